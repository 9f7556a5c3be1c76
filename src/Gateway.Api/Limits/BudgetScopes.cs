using Gateway.Api.Proxy;

namespace Gateway.Api.Limits;

/// <summary>The budgets that apply to a caller, in the order they are checked.</summary>
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
}
