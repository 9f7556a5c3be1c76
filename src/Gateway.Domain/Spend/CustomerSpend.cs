namespace Gateway.Domain.Spend;

/// <summary>What one customer (the end user a request names in `user`) has spent in all, and per model group.</summary>
public sealed class CustomerSpend : SpendTotals;

/// <summary>Rolls every recorded call up by its CustomerId; calls without one are not counted here. One rule of <see cref="SpendProjection"/>.</summary>
public sealed class CustomerSpendProjection
{
    public static string? IdOf(RequestCompleted e) => SpendTotals.Owner(e.CustomerId);

    public static string? IdOf(RequestFailed e) => SpendTotals.Owner(e.CustomerId);

    public void Apply(RequestCompleted e, CustomerSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    public void Apply(RequestFailed e, CustomerSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);
}
