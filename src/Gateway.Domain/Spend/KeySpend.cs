namespace Gateway.Domain.Spend;

/// <summary>What one key (by its SHA-256 hash) has spent in all, and per model; behind <c>/key/info</c>'s model spend.</summary>
public sealed class KeySpend : SpendTotals;

/// <summary>
/// Rolls every charged call up by key: one rule of <see cref="SpendProjection"/>. Async (the daemon applies events in
/// order, exactly once): an inline multi-stream projection loses updates when requests land concurrently (DESIGN.md).
/// </summary>
public sealed class KeySpendProjection
{
    public static string IdOf(RequestCompleted e) => e.KeyHash ?? "";

    public static string IdOf(RequestFailed e) => e.KeyHash ?? "";

    public void Apply(RequestCompleted e, KeySpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    // A failed call is charged for what it produced before failing (usually nothing).
    public void Apply(RequestFailed e, KeySpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);
}
