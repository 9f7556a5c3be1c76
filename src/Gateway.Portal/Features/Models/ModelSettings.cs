namespace Gateway.Portal.Features.Models;

/// <summary>
/// What the add and edit dialogs fill in: the common <c>litellm_params</c> and <c>model_info.mode</c>. Other params a
/// model was given through the API stay as they are. <see cref="ApiKey"/> is write-only: empty keeps the stored key.
/// </summary>
public sealed class ModelSettings
{
    public string ModelName { get; set; } = "";
    public string Provider { get; set; } = "openai";
    public string UpstreamModel { get; set; } = "";
    public string? ApiBase { get; set; }
    public string? ApiKey { get; set; }
    public string? ApiVersion { get; set; }
    public long? Rpm { get; set; }
    public long? Tpm { get; set; }
    public decimal? InputCostPerMillion { get; set; }
    public decimal? OutputCostPerMillion { get; set; }
    public string? Mode { get; set; }

    /// <summary>Whether the model already has a stored credential (shown as "set", never shown itself).</summary>
    public bool HasStoredKey { get; set; }

    public string Model => $"{Provider.Trim()}/{UpstreamModel.Trim()}";

    public const decimal Million = 1_000_000m;

    // The key must not reach a log through the form object either.
    public override string ToString() => $"ModelSettings {{ ModelName = {ModelName}, Model = {Model}, ApiBase = {ApiBase} }}";
}
