namespace Gateway.Domain.Spend;

/// <summary>What one user (the key's user_id) has spent in all, and per model group.</summary>
public sealed class UserSpend : SpendTotals;

/// <summary>Rolls every recorded call up by its UserId; calls without one are not counted here. One rule of <see cref="SpendProjection"/>.</summary>
public sealed class UserSpendProjection
{
    public static string? IdOf(RequestCompleted e) => SpendTotals.Owner(e.UserId);

    public static string? IdOf(RequestFailed e) => SpendTotals.Owner(e.UserId);

    public void Apply(RequestCompleted e, UserSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    public void Apply(RequestFailed e, UserSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);
}
