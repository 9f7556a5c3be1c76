using Marten.Events.Projections;

namespace Gateway.Domain.Spend;

/// <summary>What one user (the key's user_id) has spent in all, and per model group.</summary>
public sealed class UserSpend : SpendTotals;

/// <summary>Rolls every recorded call up by its UserId; calls without one are not counted here. Async (DESIGN.md).</summary>
public sealed partial class UserSpendProjection : MultiStreamProjection<UserSpend, string>
{
    public UserSpendProjection()
    {
        Identities<RequestCompleted>(e => SpendTotals.Of(e.UserId));
        Identities<RequestFailed>(e => SpendTotals.Of(e.UserId));
    }

    public void Apply(RequestCompleted e, UserSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    public void Apply(RequestFailed e, UserSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);
}
