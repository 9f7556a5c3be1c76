namespace Gateway.Api.Cli;

/// <summary>
/// The gateway binary's verbs besides serving: <c>audit</c>, <c>prices</c>, <c>spend</c>, <c>projections</c>. Each
/// resolves the configuration and the database as the server does (<see cref="CliDatabase"/>), writes its result to
/// <paramref name="output"/> and messages to <paramref name="error"/>, and returns an exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class GatewayCli
{
    public static bool Handles(IReadOnlyList<string> args) => args.Count > 0 && args[0] is "audit" or "prices" or "spend" or "projections";

    /// <param name="settings">Configuration values over the environment's (tests pass DATABASE_URL and friends here).</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error,
        IReadOnlyDictionary<string, string?>? settings = null, CancellationToken ct = default)
    {
        var cli = new CliContext(output, error, settings);
        try
        {
            return args[0] switch
            {
                "audit" => await AuditVerb.RunAsync(args.Skip(1), cli, ct),
                "prices" => await PricesVerb.RunAsync(args.Skip(1).ToList(), cli, ct),
                "spend" => await SpendVerb.RunAsync(args.Skip(1), cli, ct),
                "projections" => await ProjectionsVerb.RunAsync(args.Skip(1).ToList(), cli, ct),
                _ => throw CliFailure.Usage($"unknown verb '{args[0]}'."),
            };
        }
        catch (CliFailure failure)
        {
            await error.WriteLineAsync($"error: {failure.Message}");
            if (failure.ExitCode == ExitCodes.Usage)
                await error.WriteLineAsync(Usage);
            return failure.ExitCode;
        }
    }

    public const string Usage = """
        usage:
          gateway audit --from YYYY-MM-DD --to YYYY-MM-DD [--prices FILE] [--team ID] [--key KEY-OR-ALIAS] [--format json|csv|table]
          gateway spend --as-of TIMESTAMP (--key KEY-OR-ALIAS | --team ID | --customer ID) [--format json|table]
          gateway prices export [--version VERSION]
          gateway prices import FILE
          gateway prices history
          gateway projections list
          gateway projections rebuild [-p PROJECTION] [--force]
        every verb also takes --config FILE, and reads DATABASE_URL / GATEWAY_HOME as the server does.
        """;
}

/// <summary>Where a verb writes, and the settings it resolves configuration from.</summary>
public sealed class CliContext(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? settings)
{
    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;

    /// <summary>The environment, then the caller's settings, then <c>--config</c>: what <see cref="Hosting.GatewaySettings.Resolve"/> reads.</summary>
    public IConfiguration Configuration(string? configPath)
    {
        var builder = new ConfigurationBuilder().AddEnvironmentVariables();
        if (settings is not null)
            builder.AddInMemoryCollection(settings);
        if (configPath is not null)
            builder.AddInMemoryCollection([KeyValuePair.Create("config", (string?)configPath)]);
        return builder.Build();
    }

    public Task<CliDatabase> OpenDatabaseAsync(string? configPath, CancellationToken ct) =>
        CliDatabase.OpenAsync(Configuration(configPath), Error, ct);
}
