namespace Gateway.Domain.Spend;

/// <summary>
/// Lifetime spend of one team, user, customer or model group, shaped like <see cref="KeySpend"/>: the total, the
/// call count and tokens, and the spend per model group (per upstream model for <see cref="ModelSpend"/>).
/// </summary>
public abstract class SpendTotals
{
    /// <summary>The LiteLLM id of what is counted (team_id, user_id, end-user id, model group).</summary>
    public string Id { get; set; } = "";

    public decimal Spend { get; set; }
    public long Requests { get; set; }
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public Dictionary<string, decimal> ModelSpend { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset? LastRequestAt { get; set; }

    /// <summary>Counts one call; a failed one is charged for what it produced before failing (usually nothing).</summary>
    public void Add(string? model, decimal cost, int prompt, int completion, DateTimeOffset at)
    {
        Spend += cost;
        Requests++;
        PromptTokens += prompt;
        CompletionTokens += completion;
        if (cost != 0 && !string.IsNullOrEmpty(model))
            ModelSpend[model] = ModelSpend.GetValueOrDefault(model) + cost;
        LastRequestAt = at;
    }

    /// <summary>The identity of an optional dimension: null when the call had no such owner.</summary>
    internal static string? Owner(string? id) => string.IsNullOrEmpty(id) ? null : id;
}
