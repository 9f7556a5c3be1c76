namespace Gateway.Api.Config;

/// <summary>
/// The gateway's settings as read from a LiteLLM-format config.yaml. Values are exactly what the file
/// says (after <c>os.environ/NAME</c> substitution); defaults for unset values belong to the code that
/// uses them.
/// </summary>
public sealed record GatewayConfig
{
    /// <summary>No config file: no deployments, every setting unset.</summary>
    public static GatewayConfig Empty { get; } = new();

    public IReadOnlyList<DeploymentConfig> ModelList { get; init; } = [];

    public RouterSettings Router { get; init; } = new();

    public LitellmSettings Litellm { get; init; } = new();

    public GeneralSettings General { get; init; } = new();

    /// <summary>Things LiteLLM would tolerate but the operator should hear about, in file order.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Where the settings came from: the full path of the file, or the source name given to Parse.</summary>
    public string? SourcePath { get; init; }
}
