using System.Collections.ObjectModel;
using System.Text;

namespace Gateway.Api.Config;

/// <summary>A deployment's <c>litellm_params</c>: which upstream model to call, how, and its limits.</summary>
public sealed record LitellmParams
{
    /// <summary>Provider and upstream model, e.g. <c>openai/gpt-4o</c> or <c>mock/mock-gpt</c>.</summary>
    public required string Model { get; init; }

    /// <summary>The part of <see cref="Model"/> before the first '/', e.g. <c>openai</c>.</summary>
    public string Provider => Model[..Model.IndexOf('/', StringComparison.Ordinal)];

    public string? ApiBase { get; init; }

    public string? ApiKey { get; init; }

    public string? ApiVersion { get; init; }

    public string? Organization { get; init; }

    public long? Rpm { get; init; }

    public long? Tpm { get; init; }

    public double? Weight { get; init; }

    /// <summary>Lower is tried first.</summary>
    public int? Order { get; init; }

    public int? MaxParallelRequests { get; init; }

    /// <summary>Seconds.</summary>
    public double? Timeout { get; init; }

    /// <summary>Seconds.</summary>
    public double? StreamTimeout { get; init; }

    /// <summary>Seconds this deployment cools down after failing; overrides <c>router_settings.cooldown_time</c>.</summary>
    public double? CooldownTime { get; init; }

    public decimal? InputCostPerToken { get; init; }

    public decimal? OutputCostPerToken { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Every other key (provider-specific params such as <c>temperature</c> or <c>aws_region_name</c>), typed as YAML reads them.</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = ReadOnlyDictionary<string, object?>.Empty;

    internal static LitellmParams Read(ConfigMapping map)
    {
        var model = map.RequiredText("model", "is missing; say which provider and model to call, e.g. openai/gpt-4o");
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == model.Length - 1)
        {
            throw map.Invalid("model", $"expected '<provider>/<model>', e.g. openai/gpt-4o, got '{model}'");
        }

        return new LitellmParams
        {
            Model = model,
            ApiBase = map.Text("api_base"),
            ApiKey = map.Text("api_key"),
            ApiVersion = map.Text("api_version"),
            Organization = map.Text("organization"),
            Rpm = map.Long("rpm"),
            Tpm = map.Long("tpm"),
            Weight = map.Double("weight"),
            Order = map.Int("order"),
            MaxParallelRequests = map.Int("max_parallel_requests"),
            Timeout = map.Double("timeout"),
            StreamTimeout = map.Double("stream_timeout"),
            CooldownTime = map.Double("cooldown_time"),
            InputCostPerToken = map.Decimal("input_cost_per_token"),
            OutputCostPerToken = map.Decimal("output_cost_per_token"),
            Tags = map.TextList("tags"),
            Extra = map.Rest(),
        };
    }

    // Records print every property; keys and provider credentials (which may sit in Extra) must not reach a log.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Model = {Model}, ApiBase = {ApiBase}, ApiKey = {(ApiKey is null ? "" : "<redacted>")}, ");
        builder.Append($"Rpm = {Rpm}, Tpm = {Tpm}, Weight = {Weight}, Order = {Order}, Timeout = {Timeout}, ");
        builder.Append($"Tags = [{string.Join(", ", Tags)}], Extra keys = [{string.Join(", ", Extra.Keys)}]");
        return true;
    }
}
