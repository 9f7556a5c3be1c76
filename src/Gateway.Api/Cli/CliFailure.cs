namespace Gateway.Api.Cli;

/// <summary>The exit codes of the gateway's CLI verbs, so scripts can tell an incident from a typo.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary><c>audit</c>: the projections disagree with the events (an incident).</summary>
    public const int ProjectionsDisagree = 1;

    /// <summary>A missing or malformed argument: a bad date, an unknown flag or format.</summary>
    public const int Usage = 2;

    /// <summary>The database cannot be reached or started (as for the server).</summary>
    public const int Database = 3;

    /// <summary>The key, team or customer named is not known to the gateway.</summary>
    public const int NotFound = 4;

    /// <summary>A price file cannot be read or is not a price sheet.</summary>
    public const int PriceFile = 5;
}

/// <summary>Stops a verb with a message for the user and an exit code; the CLI's one way out of a failed step.</summary>
public sealed class CliFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliFailure Usage(string message) => new(ExitCodes.Usage, message);
}
