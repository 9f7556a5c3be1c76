using System.Collections.Concurrent;
using Gateway.Domain.Budgets;

namespace Gateway.Api.Limits;

/// <summary>
/// One budget that applies to a call: whose, the most it may spend (none: only tracked, e.g. for a soft budget or the
/// key-spend header), the soft budget that only warns, and the window it counts in now (none = lifetime). Windows come
/// from the domain's calendar-aware <see cref="BudgetWindow"/> ("30d", "1mo"), anchored per scope.
/// </summary>
public readonly record struct BudgetLimit(BudgetScope Scope, decimal? MaxBudget, BudgetWindow? Window = null, decimal? SoftBudget = null);

/// <summary>
/// The hot path's budget arithmetic, in memory. A call reserves its worst-case cost against every budget that
/// applies before it goes upstream, and settles with the real cost when it ends, so concurrent calls can never
/// overshoot a budget together: each scope checks spent + reserved + this call against its limit under its own
/// lock, and a call refused by one scope gives back what it reserved on the others. Crossing a soft or hard budget,
/// and a window ending, are reported to the <see cref="IBudgetAlertSink"/> once per scope and window.
/// </summary>
public sealed class BudgetLedger(IBudgetAlertSink? alerts = null, TimeProvider? time = null)
{
    readonly ConcurrentDictionary<BudgetScope, BudgetAccount> _accounts = new();
    readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>What a scope has spent in its current window (settled calls only).</summary>
    public decimal Spent(BudgetScope scope) => _accounts.TryGetValue(scope, out var account) ? account.Snapshot().Spent : 0m;

    /// <summary>What a scope has reserved for calls still in flight.</summary>
    public decimal Reserved(BudgetScope scope) => _accounts.TryGetValue(scope, out var account) ? account.Snapshot().Reserved : 0m;

    /// <summary>
    /// Sets a scope's spend from the store: <paramref name="recorded"/> is every call recorded up to the event feed's
    /// position (all nodes), to which this node's own settled calls that the feed has not reached yet are added
    /// (<see cref="Confirm"/> removes them as it does). Called with the feed held still, so nothing is counted twice
    /// or missed. A seed for a window that is already over is ignored.
    /// </summary>
    public void Seed(BudgetScope scope, decimal recorded, BudgetWindow? window = null)
    {
        var account = _accounts.GetOrAdd(scope, static _ => new BudgetAccount());
        lock (account)
        {
            if (window is { } w && account.WindowStart is { } start && w.Start < start)
                return;
            Roll(account, scope, window);
            account.SpentInWindow = recorded + account.Unconfirmed;
        }
    }

    /// <summary>The event feed reached one of this node's own calls: it is now part of what a seed would read.</summary>
    public void Confirm(BudgetScope scope, decimal cost)
    {
        if (_accounts.TryGetValue(scope, out var account))
            lock (account)
                account.Unconfirmed = Math.Max(0m, account.Unconfirmed - cost);
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
                Roll(account, limit.Scope, limit.Window);
                if (limit.MaxBudget is { } max && account.SpentInWindow + account.ReservedInFlight + amount > max)
                {
                    refusal = new BudgetRefusal(limit.Scope, account.SpentInWindow, max);
                    if (!account.ExceededAlerted)
                    {
                        account.ExceededAlerted = true;
                        alerts?.Raise(new BudgetAlert(BudgetAlertKind.Exceeded, limit.Scope, account.SpentInWindow, max, limit.Window, _time.GetUtcNow()));
                    }
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

        reservation = new Reservation(taken, limits, amount);
        refusal = default;
        return true;
    }

    /// <summary>Replaces the reservation with the real cost (zero when the call failed before producing anything).</summary>
    public void Settle(Reservation reservation, decimal actualCost)
    {
        if (reservation.Accounts is not { } accounts)
            return;
        // The cost counts in whatever window the scope is in now (a call that straddles a reset lands in the new one).
        for (var i = 0; i < accounts.Length; i++)
        {
            var account = accounts[i];
            var limit = reservation.Limits![i];
            lock (account)
            {
                account.ReservedInFlight -= reservation.Amount;
                account.SpentInWindow += actualCost;
                account.Unconfirmed += actualCost;
                CheckThresholds(account, limit);
            }
        }
    }

    /// <summary>
    /// The shared count (Redis, with every node's calls) refused a call this node's view let through: reported once per
    /// scope and window, as a refusal here is.
    /// </summary>
    public void RefusedElsewhere(in BudgetLimit limit, decimal spent)
    {
        if (alerts is null || limit.MaxBudget is not { } max)
            return;
        var account = _accounts.GetOrAdd(limit.Scope, static _ => new BudgetAccount());
        lock (account)
        {
            Roll(account, limit.Scope, limit.Window);
            if (account.ExceededAlerted)
                return;
            account.ExceededAlerted = true;
        }
        alerts.Raise(new BudgetAlert(BudgetAlertKind.Exceeded, limit.Scope, spent, max, limit.Window, _time.GetUtcNow()));
    }

    /// <summary>Adds spend that did not pass through a reservation here (a call served by another node).</summary>
    public void Record(BudgetLimit limit, decimal cost)
    {
        var account = _accounts.GetOrAdd(limit.Scope, static _ => new BudgetAccount());
        lock (account)
        {
            Roll(account, limit.Scope, limit.Window);
            account.SpentInWindow += cost;
            CheckThresholds(account, limit);
        }
    }

    /// <summary>
    /// Closes every window that has ended by <paramref name="now"/>, so a reset happens (and is reported) on time
    /// even when no call comes to notice it.
    /// </summary>
    public void CloseEndedWindows(DateTimeOffset now)
    {
        foreach (var (scope, account) in _accounts)
        {
            lock (account)
            {
                if (account is not { WindowStart: { } start, WindowEnd: { } end } || now < end)
                    continue;
                alerts?.Raise(new BudgetAlert(BudgetAlertKind.WindowReset, scope, account.SpentInWindow, 0m, new BudgetWindow(start, end), now));
                // Windows are laid end to end, so the next one starts where this ended; its end is learnt from the next call.
                account.Restart(end, null);
            }
        }
    }

    void Roll(BudgetAccount account, BudgetScope scope, BudgetWindow? window)
    {
        if (window is not { } current)
            return;
        if (account.WindowStart is { } start && current.Start > start)
        {
            if (account.WindowEnd is { } end)
                alerts?.Raise(new BudgetAlert(BudgetAlertKind.WindowReset, scope, account.SpentInWindow, 0m, new BudgetWindow(start, end), _time.GetUtcNow()));
            account.Restart(current.Start, current.End);
        }
        else if (account.WindowStart is null || current.Start == account.WindowStart)
        {
            account.WindowStart = current.Start;
            account.WindowEnd = current.End;
        }
    }

    void CheckThresholds(BudgetAccount account, in BudgetLimit limit)
    {
        if (alerts is null)
            return;
        if (limit.SoftBudget is { } soft && account.SpentInWindow >= soft && !account.SoftAlerted)
        {
            account.SoftAlerted = true;
            alerts.Raise(new BudgetAlert(BudgetAlertKind.SoftCrossed, limit.Scope, account.SpentInWindow, soft, limit.Window, _time.GetUtcNow()));
        }
        if (limit.MaxBudget is { } max && account.SpentInWindow >= max && !account.ExceededAlerted)
        {
            account.ExceededAlerted = true;
            alerts.Raise(new BudgetAlert(BudgetAlertKind.Exceeded, limit.Scope, account.SpentInWindow, max, limit.Window, _time.GetUtcNow()));
        }
    }
}

/// <summary>One scope's spend in its current window and what in-flight calls hold; guarded by its own lock.</summary>
internal sealed class BudgetAccount
{
    public decimal SpentInWindow;
    public decimal ReservedInFlight;

    /// <summary>This node's settled calls in the window that the event feed has not reached yet.</summary>
    public decimal Unconfirmed;
    public DateTimeOffset? WindowStart;
    public DateTimeOffset? WindowEnd;
    public bool SoftAlerted;
    public bool ExceededAlerted;

    /// <summary>A new window: spend before it no longer counts, and its alerts may fire again.</summary>
    public void Restart(DateTimeOffset start, DateTimeOffset? end)
    {
        SpentInWindow = 0m;
        Unconfirmed = 0m;
        WindowStart = start;
        WindowEnd = end;
        SoftAlerted = false;
        ExceededAlerted = false;
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
    internal Reservation(BudgetAccount[] accounts, IReadOnlyList<BudgetLimit> limits, decimal amount)
    {
        Accounts = accounts;
        Limits = limits;
        Amount = amount;
    }

    internal BudgetAccount[]? Accounts { get; }
    internal IReadOnlyList<BudgetLimit>? Limits { get; }
    public decimal Amount { get; }
    public bool IsEmpty => Accounts is null;
}

/// <summary>Which budget refused a call: LiteLLM's message reports its spend and its maximum.</summary>
public readonly record struct BudgetRefusal(BudgetScope Scope, decimal CurrentCost, decimal MaxBudget);
