namespace Gateway.Api.Providers.Gemini;

/// <summary>What a Gemini model name says about the model: which generation it is, and so which settings it takes.</summary>
internal static class GeminiModels
{
    /// <summary>
    /// Gemini 3 and later think in levels (<c>thinkingLevel</c>) rather than token budgets, and want a thought
    /// signature on the function calls of earlier turns.
    /// </summary>
    public static bool IsThirdGenerationOrLater(string model) => Generation(model) >= 3;

    /// <summary>The major version in names such as <c>gemini-2.5-flash</c> or <c>gemini-3-pro-preview</c>; 0 when none.</summary>
    public static int Generation(string model)
    {
        var at = model.IndexOf("gemini-", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
            return 0;
        var digits = model.AsSpan(at + "gemini-".Length);
        var length = 0;
        while (length < digits.Length && char.IsAsciiDigit(digits[length]))
            length++;
        return length > 0 && int.TryParse(digits[..length], out var generation) ? generation : 0;
    }

    /// <summary>The smallest thinking budget LiteLLM sends for <c>reasoning_effort: minimal</c>, per 2.5 model.</summary>
    public static int MinimalThinkingBudget(string model) =>
        model.Contains("gemini-2.5-flash-lite", StringComparison.OrdinalIgnoreCase) ? 512
        : model.Contains("gemini-2.5-flash", StringComparison.OrdinalIgnoreCase) ? 1
        : 128;
}
