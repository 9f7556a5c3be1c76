using Gateway.Api.Limits;
using Gateway.Domain.Budgets;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Api.Tests.Limits;

public sealed class BudgetLedgerTests
{
    static readonly BudgetScope Key = new("key", "k1");
    static readonly BudgetScope Team = new("team", "t1");

    [Fact]
    public async Task a_burst_of_concurrent_calls_never_ends_above_the_budget()
    {
        var ledger = new BudgetLedger();
        var limits = new[] { new BudgetLimit(Key, 1.00m), new BudgetLimit(Team, 10m) };
        var admitted = 0;

        // 32 callers, each reserving a worst case of 0.30 and really costing 0.25: about three fit.
        await Parallel.ForEachAsync(Enumerable.Range(0, 32), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (caller, ct) =>
        {
            if (!ledger.TryReserve(limits, 0.30m, out var reservation, out _))
                return;
            Interlocked.Increment(ref admitted);
            await Task.Yield();
            ledger.Settle(reservation, 0.25m);
        });

        Assert.InRange(admitted, 3, 4);
        Assert.True(ledger.Spent(Key) <= 1.00m, $"spent {ledger.Spent(Key)}");
        Assert.Equal(0m, ledger.Reserved(Key));
        Assert.Equal(ledger.Spent(Key), ledger.Spent(Team));
    }

    [Fact]
    public void a_refusal_by_one_budget_gives_back_what_was_held_on_the_others()
    {
        var ledger = new BudgetLedger();
        ledger.Seed(Team, 9.90m);

        var refused = !ledger.TryReserve([new BudgetLimit(Key, 5m), new BudgetLimit(Team, 10m)], 0.50m, out _, out var refusal);

        Assert.True(refused);
        Assert.Equal(Team, refusal.Scope);
        Assert.Equal(9.90m, refusal.CurrentCost);
        Assert.Equal(10m, refusal.MaxBudget);
        Assert.Equal(0m, ledger.Reserved(Key));
    }

    [Fact]
    public void a_seed_counts_each_call_once_whether_or_not_the_feed_has_reached_it()
    {
        var ledger = new BudgetLedger();
        var limit = new BudgetLimit(Team, 10m);
        Assert.True(ledger.TryReserve([limit], 1m, out var own, out _));
        ledger.Settle(own, 0.50m);

        // The store has not recorded our call yet: the seed adds what it holds (another node's 0.25) to ours.
        ledger.Seed(Team, 0.25m);
        Assert.Equal(0.75m, ledger.Spent(Team));

        // The feed reaches our call; a seed now reads it from the store, and it is not counted again.
        ledger.Confirm(Team, 0.50m);
        ledger.Seed(Team, 0.75m);
        Assert.Equal(0.75m, ledger.Spent(Team));

        // Another node's call arrives through the feed, then a seed reads the same total.
        ledger.Record(limit, 2m);
        Assert.Equal(2.75m, ledger.Spent(Team));
        ledger.Seed(Team, 2.75m);
        Assert.Equal(2.75m, ledger.Spent(Team));
    }

    [Fact]
    public void settling_replaces_the_worst_case_with_the_real_cost()
    {
        var ledger = new BudgetLedger();
        Assert.True(ledger.TryReserve([new BudgetLimit(Key, 1m)], 0.80m, out var reservation, out _));
        Assert.False(ledger.TryReserve([new BudgetLimit(Key, 1m)], 0.30m, out _, out _));

        ledger.Settle(reservation, 0.10m);

        Assert.Equal(0.10m, ledger.Spent(Key));
        Assert.True(ledger.TryReserve([new BudgetLimit(Key, 1m)], 0.30m, out _, out _));
    }

    [Fact]
    public void spend_starts_again_when_the_window_rolls_over()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var anchor = clock.GetUtcNow();
        var ledger = new BudgetLedger();
        BudgetLimit Daily() => new(Key, 1m, BudgetWindow.Current(anchor, BudgetDuration.Parse("1d"), clock.GetUtcNow()));

        Assert.True(ledger.TryReserve([Daily()], 1m, out var first, out _));
        ledger.Settle(first, 1m);
        Assert.False(ledger.TryReserve([Daily()], 0.01m, out _, out _));

        clock.Advance(TimeSpan.FromHours(23));
        Assert.False(ledger.TryReserve([Daily()], 0.01m, out _, out _));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(ledger.TryReserve([Daily()], 0.01m, out _, out _));
        Assert.Equal(0m, ledger.Spent(Key));
    }
}
