using Marten.Events.Projections;

namespace Gateway.Domain.Spend;

/// <summary>What one customer (the end user a request names in `user`) has spent in all, and per model group.</summary>
public sealed class CustomerSpend : SpendTotals;

/// <summary>Rolls every recorded call up by its CustomerId; calls without one are not counted here. Async (DESIGN.md).</summary>
public sealed partial class CustomerSpendProjection : MultiStreamProjection<CustomerSpend, string>
{
    public CustomerSpendProjection()
    {
        Identities<RequestCompleted>(e => SpendTotals.Of(e.CustomerId));
        Identities<RequestFailed>(e => SpendTotals.Of(e.CustomerId));
    }

    public void Apply(RequestCompleted e, CustomerSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    public void Apply(RequestFailed e, CustomerSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);
}
