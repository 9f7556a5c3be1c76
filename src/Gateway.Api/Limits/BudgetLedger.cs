using System.Collections.Concurrent;
using Gateway.Domain.Budgets;

namespace Gateway.Api.Limits;

/// <summary>A budget's owner: a key, a key for one model, a team, a team member, a user, a customer, or the whole proxy.</summary>
public readonly record struct BudgetScope(string Kind, string Id)
{
    public override string ToString() => $"{Kind}:{Id}";
}

/// <summary>
/// One budget that applies to a call: whose, how much, and the window it counts in now (none = lifetime). Windows
/// come from the domain's calendar-aware <see cref="BudgetWindow"/> ("30d", "1mo"), anchored per scope.
/// </summary>
public readonly record struct BudgetLimit(BudgetScope Scope, decimal MaxBudget, BudgetWindow? Window = null);

/// <summary>
/// The hot path's budget arithmetic, in memory. A call reserves its worst-case cost against every budget that
/// applies before it goes upstream, and settles with the real cost when it ends, so concurrent calls can never
/// overshoot a budget together: each scope checks spent + reserved + this call against its limit under its own
/// lock, and a call refused by one scope gives back what it reserved on the others.
/// </summary>
public sealed class BudgetLedger
{
    readonly ConcurrentDictionary<BudgetScope, BudgetAccount> _accounts = new();

    /// <summary>What a scope has spent in its current window (settled calls only).</summary>
    public decimal Spent(BudgetScope scope) => _accounts.TryGetValue(scope, out var account) ? account.Snapshot().Spent : 0m;

    /// <summary>What a scope has reserved for calls still in flight.</summary>
    public decimal Reserved(BudgetScope scope) => _accounts.TryGetValue(scope, out var account) ? account.Snapshot().Reserved : 0m;

    /// <summary>Loads spend known from elsewhere (the read model at start-up, another node's events).</summary>
    public void Seed(BudgetScope scope, decimal spent, DateTimeOffset? windowStart = null)
    {
        var account = _accounts.GetOrAdd(scope, static _ => new BudgetAccount());
        lock (account)
        {
            account.SpentInWindow = spent;
            account.WindowStart = windowStart;
        }
    }

    /// <summary>
    /// Reserves <paramref name="amount"/> against every limit, or none of them. On refusal, says which budget and
    /// what it had already spent.
    /// </summary>
    public bool TryReserve(IReadOnlyList<BudgetLimit> limits, decimal amount, out Reservation reservation, out BudgetRefusal refusal)
    {
        var taken = new BudgetAccount[limits.Count];
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            var account = _accounts.GetOrAdd(limit.Scope, static _ => new BudgetAccount());
            lock (account)
            {
                account.Roll(limit.Window);
                if (account.SpentInWindow + account.ReservedInFlight + amount > limit.MaxBudget)
                {
                    refusal = new BudgetRefusal(limit.Scope, account.SpentInWindow, limit.MaxBudget);
                    for (var j = 0; j < i; j++)
                        lock (taken[j])
                            taken[j].ReservedInFlight -= amount;
                    reservation = default;
                    return false;
                }
                account.ReservedInFlight += amount;
            }
            taken[i] = account;
        }

        reservation = new Reservation(taken, amount);
        refusal = default;
        return true;
    }

    /// <summary>Replaces the reservation with the real cost (zero when the call failed before producing anything).</summary>
    public void Settle(Reservation reservation, decimal actualCost)
    {
        if (reservation.Accounts is null)
            return;
        // The cost counts in whatever window the scope is in now (a call that straddles a reset lands in the new one).
        foreach (var account in reservation.Accounts)
        {
            lock (account)
            {
                account.ReservedInFlight -= reservation.Amount;
                account.SpentInWindow += actualCost;
            }
        }
    }

    /// <summary>Adds spend that did not pass through a reservation (a call served by another node).</summary>
    public void Record(BudgetScope scope, decimal cost, BudgetWindow? window)
    {
        var account = _accounts.GetOrAdd(scope, static _ => new BudgetAccount());
        lock (account)
        {
            account.Roll(window);
            account.SpentInWindow += cost;
        }
    }
}

/// <summary>One scope's spend in its current window and what in-flight calls hold; guarded by its own lock.</summary>
internal sealed class BudgetAccount
{
    public decimal SpentInWindow;
    public decimal ReservedInFlight;
    public DateTimeOffset? WindowStart;

    /// <summary>Starts counting afresh when the scope has moved into a later window: spend before it no longer counts.</summary>
    public void Roll(BudgetWindow? window)
    {
        if (window is not { } current)
            return;
        if (WindowStart is { } start && current.Start > start)
            SpentInWindow = 0m;
        if (WindowStart is null || current.Start > WindowStart)
            WindowStart = current.Start;
    }

    public (decimal Spent, decimal Reserved) Snapshot()
    {
        lock (this)
            return (SpentInWindow, ReservedInFlight);
    }
}

/// <summary>A call's hold on its budgets, given back by <see cref="BudgetLedger.Settle"/>.</summary>
public readonly struct Reservation
{
    internal Reservation(BudgetAccount[] accounts, decimal amount)
    {
        Accounts = accounts;
        Amount = amount;
    }

    internal BudgetAccount[]? Accounts { get; }
    public decimal Amount { get; }
    public bool IsEmpty => Accounts is null;
}

/// <summary>Which budget refused a call: LiteLLM's message reports its spend and its maximum.</summary>
public readonly record struct BudgetRefusal(BudgetScope Scope, decimal CurrentCost, decimal MaxBudget);
