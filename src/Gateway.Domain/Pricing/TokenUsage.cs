namespace Gateway.Domain.Pricing;

/// <summary>
/// Tokens of one call, counted the way OpenAI reports them: <see cref="PromptTokens"/> includes the cached
/// tokens and the cache-creation tokens, and <see cref="CompletionTokens"/> includes the reasoning tokens.
/// Provider translations convert to this shape (Anthropic's separate cache counts are added to the prompt).
/// </summary>
public readonly record struct TokenUsage(
    int PromptTokens,
    int CompletionTokens,
    int CachedTokens = 0,
    int ReasoningTokens = 0,
    int CacheCreationTokens = 0)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
