namespace Gateway.Api.Config;

/// <summary>One <c>model_list</c> entry: a deployment serving the model group <see cref="ModelName"/>.</summary>
public sealed record DeploymentConfig
{
    /// <summary>The name clients ask for; entries sharing it form one model group.</summary>
    public required string ModelName { get; init; }

    public required LitellmParams Params { get; init; }

    public ModelInfo Info { get; init; } = new();

    /// <summary>1-based line of the entry in the config file, for messages about it later.</summary>
    public int Line { get; init; }

    internal static readonly string[] Keys = ["model_name", "litellm_params", "model_info"];

    internal static DeploymentConfig Read(ConfigMapping entry)
    {
        var modelName = entry.RequiredText("model_name", "is missing; every model_list entry needs the name clients call it by");
        var parameters = entry.Section("litellm_params")
            ?? throw entry.Missing("litellm_params", "is missing; every model_list entry needs litellm_params with at least model, e.g. openai/gpt-4o");
        var info = entry.Section("model_info");
        return new DeploymentConfig
        {
            ModelName = modelName,
            Params = LitellmParams.Read(parameters),
            Info = info is null ? new ModelInfo() : ModelInfo.Read(info),
            Line = entry.Line,
        };
    }
}
