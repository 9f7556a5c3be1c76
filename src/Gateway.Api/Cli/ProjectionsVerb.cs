using JasperFx.CommandLine;
using Microsoft.Extensions.Hosting;

namespace Gateway.Api.Cli;

/// <summary>
/// <c>projections list</c> and <c>projections rebuild [-p NAME]</c>: Marten's own projection commands (JasperFx's
/// <c>projections</c>), run against the gateway's store. A rebuild deletes the projection's documents and replays every
/// event into them. It refuses while other sessions use the database (a running gateway's daemon would apply new calls
/// to the same documents meanwhile); stop the gateways first, or pass <c>--force</c>.
/// </summary>
public static class ProjectionsVerb
{
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CliContext cli, CancellationToken ct)
    {
        var force = arguments.Contains("--force");
        var config = OptionValue(arguments, "--config");
        var passed = Without(arguments, "--force", "--config");
        var action = passed.FirstOrDefault(a => !a.StartsWith('-'));
        if (action is null or "run")
        {
            throw CliFailure.Usage("the gateway's own async daemon runs the projections; use `projections list` or `projections rebuild [-p NAME]`.");
        }

        await using var database = await cli.OpenDatabaseAsync(config, ct);
        if (action == "rebuild" && !force && await database.OtherSessionsAsync(ct) is > 0 and var others)
        {
            throw CliFailure.Usage(
                $"{others} other session(s) use this database, probably a running gateway whose daemon would keep projecting while the rebuild "
                + "deletes and replays. Stop the gateways, then rebuild (or pass --force if you know they are not running the daemon).");
        }
        // Only Marten's projections command, on a host with the gateway's store: no scan of the application folder
        // for other commands (which loads whatever assemblies lie there).
        var executor = CommandExecutor.For(factory =>
        {
            factory.RegisterCommand<JasperFx.Events.CommandLine.ProjectionsCommand>();
            factory.ConfigureRun = run =>
            {
                if (run.Input is IHostBuilderInput input)
                    input.HostBuilder = new HostBuilder().ConfigureServices(database.AddStore);
            };
        });
        return await executor.ExecuteAsync(["projections", .. passed]);
    }

    static string? OptionValue(IReadOnlyList<string> arguments, string name)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == name && i + 1 < arguments.Count)
                return arguments[i + 1];
            if (arguments[i].StartsWith(name + "=", StringComparison.Ordinal))
                return arguments[i][(name.Length + 1)..];
        }
        return null;
    }

    /// <summary>The arguments for JasperFx, without ours (a flag, and an option with its value).</summary>
    static List<string> Without(IReadOnlyList<string> arguments, string flag, string option)
    {
        var kept = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == flag || arguments[i].StartsWith(option + "=", StringComparison.Ordinal))
                continue;
            if (arguments[i] == option)
            {
                i++;
                continue;
            }
            kept.Add(arguments[i]);
        }
        return kept;
    }
}
