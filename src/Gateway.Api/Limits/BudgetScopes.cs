using Gateway.Api.Proxy;

namespace Gateway.Api.Limits;

/// <summary>The budgets and rate limits that apply to a caller, in the order they are checked.</summary>
public static class BudgetScopes
{
    public static BudgetScope Key(string keyHash) => new("key", keyHash);

    /// <summary>Key budgets today; team, member, user, customer and proxy-wide budgets join here.</summary>
    public static IReadOnlyList<BudgetLimit> For(Caller caller, DateTimeOffset now)
    {
        if (caller.Key is not { MaxBudget: { } max } key)
            return [];
        return [new BudgetLimit(Key(key.KeyHash), max, key.CurrentBudgetWindow(now))];
    }

    /// <summary>Key rate limits today; team, user, customer and per-model limits join here.</summary>
    public static IReadOnlyList<RateLimit> RateLimitsFor(Caller caller)
    {
        if (caller.Key is not { } key || (key.RpmLimit is null && key.TpmLimit is null && key.MaxParallelRequests is null))
            return [];
        return [new RateLimit(Key(key.KeyHash), key.RpmLimit, key.TpmLimit, key.MaxParallelRequests)];
    }
}
