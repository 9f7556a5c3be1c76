using System.Diagnostics;
using System.Text.Json;
using Alba;
using Gateway.Api.Cli;
using Gateway.Api.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Audit;

/// <summary>What a CLI verb returned and wrote.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Output).RootElement.Clone();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the gateway's CLI verbs against a test gateway's database and config, in-process through the verb entry
/// (<see cref="GatewayCli.RunAsync"/>) or as a real process (<c>dotnet Gateway.Api.dll …</c>).
/// </summary>
public static class CliRunner
{
    /// <summary>The settings the gateway resolved from: the same database, home and config file.</summary>
    public static Dictionary<string, string?> SettingsOf(IAlbaHost host, IDictionary<string, string?>? extra = null)
    {
        var settings = host.Services.GetRequiredService<GatewaySettings>();
        var config = Path.Combine(settings.StateDirectory, "config.yaml");
        var values = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = settings.DatabaseUrl,
            ["GATEWAY_HOME"] = settings.StateDirectory,
            ["GATEWAY_CONFIG"] = File.Exists(config) ? config : null,
            ["GATEWAY_PRICE_SHEET"] = null,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            values[key] = value;
        return values;
    }

    public static Task<CliResult> Cli(this IAlbaHost host, params string[] args) => Run(SettingsOf(host), args);

    public static async Task<CliResult> Run(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await GatewayCli.RunAsync(args, output, error, settings, TestContext.Current.CancellationToken);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    /// <summary>The built gateway (Gateway.Api.dll beside the tests) run by <c>dotnet</c>, with <paramref name="settings"/> as its environment.</summary>
    public static async Task<CliResult> RunProcess(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Gateway.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in settings)
        {
            if (value is null)
                start.Environment.Remove(key);
            else
                start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliResult(process.ExitCode, await output, await error);
    }
}
