using System.Text.Json.Serialization;

namespace Gateway.Domain.Pricing;

/// <summary>
/// One model's entry in the price sheet, with LiteLLM's field names so a LiteLLM cost map (or a piece of one)
/// can be used as is. Costs are USD per token; a missing rate is null, not zero, so "not priced" stays visible.
/// Money is decimal throughout: per-token prices such as 1.5e-07 are exact in decimal and drift in double.
/// </summary>
public sealed record ModelPrice
{
    [JsonPropertyName("litellm_provider")]
    public string? LitellmProvider { get; init; }

    /// <summary>"chat", "embedding", "completion" (LiteLLM knows more modes; they pass through).</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    [JsonPropertyName("max_input_tokens")]
    public int? MaxInputTokens { get; init; }

    [JsonPropertyName("max_output_tokens")]
    public int? MaxOutputTokens { get; init; }

    /// <summary>LiteLLM's legacy limit, kept so an exported sheet still reads the same in LiteLLM.</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }

    [JsonPropertyName("input_cost_per_token")]
    public decimal? InputCostPerToken { get; init; }

    [JsonPropertyName("output_cost_per_token")]
    public decimal? OutputCostPerToken { get; init; }

    [JsonPropertyName("output_cost_per_reasoning_token")]
    public decimal? OutputCostPerReasoningToken { get; init; }

    [JsonPropertyName("cache_read_input_token_cost")]
    public decimal? CacheReadInputTokenCost { get; init; }

    [JsonPropertyName("cache_creation_input_token_cost")]
    public decimal? CacheCreationInputTokenCost { get; init; }

    [JsonPropertyName("input_cost_per_token_above_200k_tokens")]
    public decimal? InputCostPerTokenAbove200kTokens { get; init; }

    [JsonPropertyName("output_cost_per_token_above_200k_tokens")]
    public decimal? OutputCostPerTokenAbove200kTokens { get; init; }
}
