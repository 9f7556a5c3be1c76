using JasperFx.Events;
using Marten.Events.Projections;

namespace Gateway.Domain.Spend;

/// <summary>What one key has spent in all, and per model; the read model behind <c>/key/info</c>'s spend.</summary>
public sealed class KeySpend
{
    /// <summary>The key's SHA-256 hash.</summary>
    public string Id { get; set; } = "";
    public decimal Spend { get; set; }
    public long Requests { get; set; }
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public Dictionary<string, decimal> ModelSpend { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset? LastRequestAt { get; set; }
}

/// <summary>
/// Rolls every charged call up by key. Async (the daemon applies events in order, exactly once): an inline
/// multi-stream projection loses updates when requests land concurrently (DESIGN.md).
/// </summary>
public sealed partial class KeySpendProjection : MultiStreamProjection<KeySpend, string>
{
    public KeySpendProjection()
    {
        Identity<RequestCompleted>(e => e.KeyHash ?? "");
        Identity<RequestFailed>(e => e.KeyHash ?? "");
    }

    public void Apply(RequestCompleted e, KeySpend view) => Add(view, e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    // A failed call is charged for what it produced before failing (usually nothing).
    public void Apply(RequestFailed e, KeySpend view) => Add(view, e.ModelGroup ?? "", e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    static void Add(KeySpend view, string model, decimal cost, int prompt, int completion, DateTimeOffset at)
    {
        view.Spend += cost;
        view.Requests++;
        view.PromptTokens += prompt;
        view.CompletionTokens += completion;
        if (cost != 0)
            view.ModelSpend[model] = view.ModelSpend.GetValueOrDefault(model) + cost;
        view.LastRequestAt = at;
    }
}
