namespace Gateway.Domain.Pricing;

/// <summary>What a call cost, from its token counts and its model's prices. Pure, so audits can recompute it.</summary>
public static class CostCalculator
{
    /// <summary>Prompts longer than this are billed at the <c>*_above_200k_tokens</c> rates where a model has them.</summary>
    public const int LongContextThreshold = 200_000;

    /// <summary>
    /// Splits the usage into parts that are billed differently and prices each part:
    /// uncached prompt tokens at the input rate, cached tokens at the cache-read rate, cache-creation tokens at the
    /// cache-creation rate (both falling back to the input rate), reasoning tokens at the reasoning rate (falling
    /// back to the output rate) and the rest of the completion at the output rate. A rate the sheet lacks counts
    /// as zero. Negative or inconsistent counts from a provider are clamped rather than producing a negative cost.
    /// </summary>
    public static decimal Compute(TokenUsage usage, ModelPrice price)
    {
        int prompt = Math.Max(usage.PromptTokens, 0);
        int completion = Math.Max(usage.CompletionTokens, 0);
        int cached = Math.Clamp(usage.CachedTokens, 0, prompt);
        int cacheCreation = Math.Clamp(usage.CacheCreationTokens, 0, prompt - cached);
        int uncached = prompt - cached - cacheCreation;
        int reasoning = Math.Clamp(usage.ReasoningTokens, 0, completion);
        int plainCompletion = completion - reasoning;

        bool longContext = prompt > LongContextThreshold;
        decimal inputRate = (longContext ? price.InputCostPerTokenAbove200kTokens : null) ?? price.InputCostPerToken ?? 0m;
        decimal outputRate = (longContext ? price.OutputCostPerTokenAbove200kTokens : null) ?? price.OutputCostPerToken ?? 0m;
        decimal cacheReadRate = price.CacheReadInputTokenCost ?? inputRate;
        decimal cacheCreationRate = price.CacheCreationInputTokenCost ?? inputRate;
        decimal reasoningRate = price.OutputCostPerReasoningToken ?? outputRate;

        return uncached * inputRate
            + cached * cacheReadRate
            + cacheCreation * cacheCreationRate
            + plainCompletion * outputRate
            + reasoning * reasoningRate;
    }
}
