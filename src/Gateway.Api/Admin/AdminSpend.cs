using Gateway.Domain.Budgets;
using Gateway.Domain.Spend;
using Marten;

namespace Gateway.Api.Admin;

/// <summary>
/// The <c>spend</c> the info and list routes show. As in LiteLLM, it is the spend in the current budget window (all
/// of it when there is no window), with <c>budget_reset_at</c> saying when the window ends. Read exactly from the
/// store, so it agrees with the calls recorded even while the rollups lag.
/// </summary>
public static class AdminSpend
{
    public static async Task<Dictionary<string, object?>> WithSpendAsync(this Dictionary<string, object?> info,
        IQuerySession session, SpendFilter owner, BudgetWindow? window, CancellationToken ct)
    {
        info["spend"] = await SpendSince.SumAsync(session, owner with { Since = window?.Start ?? DateTimeOffset.UnixEpoch }, ct);
        info["budget_reset_at"] = window?.End;
        return info;
    }

    public static SpendFilter Team(string teamId) => new(null, teamId, null, null, null, DateTimeOffset.UnixEpoch);
    public static SpendFilter User(string userId) => new(null, null, userId, null, null, DateTimeOffset.UnixEpoch);
    public static SpendFilter Customer(string customerId) => new(null, null, null, customerId, null, DateTimeOffset.UnixEpoch);
}
