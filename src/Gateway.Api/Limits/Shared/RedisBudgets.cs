using System.Globalization;
using StackExchange.Redis;

namespace Gateway.Api.Limits.Shared;

/// <summary>
/// Hard budgets counted in Redis for every node at once: a call's worst case is held against all of its budgets with a
/// maximum in one script (<see cref="RedisScripts.Reserve"/>, one round trip), and settled with its real cost in one more
/// that the call does not wait for. A budget Redis does not have yet (new, or its window new, or Redis restarted) starts
/// from this node's ledger: what the store recorded when it was seeded plus every call the node has counted since.
/// Redis away: the call goes on on this node's ledger alone (<see cref="RedisLink"/>).
/// </summary>
public sealed class RedisBudgets(RedisLink link, BudgetLedger ledger, TimeProvider time)
{
    /// <summary>How long a budget without a window stays in Redis untouched before it is seeded again.</summary>
    static readonly TimeSpan LifetimeKeep = TimeSpan.FromDays(7);

    /// <summary>A windowed budget is kept this long past its window's end (a call that straddles the end settles in it).</summary>
    static readonly TimeSpan WindowGrace = TimeSpan.FromHours(1);

    /// <summary>Whether any of the budgets has a maximum: only those are shared (the others are tracked locally).</summary>
    public static bool AnyHard(IReadOnlyList<BudgetLimit> limits)
    {
        for (var i = 0; i < limits.Count; i++)
            if (limits[i].MaxBudget is not null)
                return true;
        return false;
    }

    public async ValueTask<SharedReservation> ReserveAsync(IReadOnlyList<BudgetLimit> limits, decimal amount)
    {
        if (!link.Up)
            return SharedReservation.NotHeld;
        var now = time.GetUtcNow();
        var hard = HardOnly(limits);
        var args = new RedisValue[5 + hard.Count * 4];
        args[0] = link.Prefix;
        args[1] = link.NodeId;
        args[2] = link.HeartbeatMilliseconds;
        args[3] = Nano(amount, roundUp: true);
        args[4] = hard.Count;
        for (var i = 0; i < hard.Count; i++)
        {
            var limit = hard[i];
            args[5 + i * 4] = Account(limit);
            args[6 + i * 4] = Nano(limit.MaxBudget!.Value, roundUp: false);
            args[7 + i * 4] = Nano(ledger.Spent(limit.Scope), roundUp: true);
            args[8 + i * 4] = KeepMilliseconds(limit, now);
        }

        RedisResult[] answer;
        try
        {
            answer = (RedisResult[])(await link.Database.ScriptEvaluateAsync(RedisScripts.Reserve, null, args))!;
        }
        catch (Exception ex)
        {
            link.Failed(ex);
            return SharedReservation.NotHeld;
        }
        var refused = (int)answer[0];
        if (refused == 0)
            return SharedReservation.Held;
        var refusing = hard[refused - 1];
        var spent = (long)answer[1] / 1_000_000_000m;
        ledger.RefusedElsewhere(refusing, spent);
        return new SharedReservation(false, new BudgetRefusal(refusing.Scope, spent, refusing.MaxBudget!.Value));
    }

    /// <summary>Gives back what the call held (<paramref name="held"/>, zero when it held nothing in Redis) and adds its cost.</summary>
    public void Settle(IReadOnlyList<BudgetLimit> limits, decimal held, decimal cost)
    {
        if (held == 0m && cost == 0m)
            return;
        var now = time.GetUtcNow();
        var hard = HardOnly(limits);
        var args = new RedisValue[5 + hard.Count * 2];
        args[0] = link.Prefix;
        args[1] = link.NodeId;
        args[2] = Nano(held, roundUp: true);
        args[3] = Nano(cost, roundUp: true);
        args[4] = hard.Count;
        for (var i = 0; i < hard.Count; i++)
        {
            args[5 + i * 2] = Account(hard[i]);
            args[6 + i * 2] = KeepMilliseconds(hard[i], now);
        }
        link.Settle(RedisScripts.Settle, args);
    }

    static List<BudgetLimit> HardOnly(IReadOnlyList<BudgetLimit> limits)
    {
        var hard = new List<BudgetLimit>(limits.Count);
        for (var i = 0; i < limits.Count; i++)
            if (limits[i].MaxBudget is not null)
                hard.Add(limits[i]);
        return hard;
    }

    /// <summary>One budget in one window: a new window is a new account, so a reset needs nothing from anyone.</summary>
    internal static string Account(in BudgetLimit limit) =>
        limit.Scope.Kind + ":" + limit.Scope.Id + "@" +
        (limit.Window is { } window ? window.Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "lifetime");

    static long KeepMilliseconds(in BudgetLimit limit, DateTimeOffset now)
    {
        var keep = limit.Window is { } window ? window.End - now + WindowGrace : LifetimeKeep;
        return (long)Math.Max(keep.TotalMilliseconds, 60_000);
    }

    /// <summary>Whole nano-dollars, below 2^53 (Lua's exact whole numbers); holds and costs round up, maximums down.</summary>
    internal static long Nano(decimal dollars, bool roundUp)
    {
        const decimal most = 9_000_000_000_000_000m;
        var nano = dollars * 1_000_000_000m;
        nano = roundUp ? decimal.Ceiling(nano) : decimal.Floor(nano);
        return (long)Math.Clamp(nano, -most, most);
    }
}

/// <summary>What the shared count said: held (settle gives it back), refused by a budget, or not asked (away, or nothing shared).</summary>
public readonly record struct SharedReservation(bool IsHeld, BudgetRefusal? Refusal)
{
    public static readonly SharedReservation Held = new(true, null);
    public static readonly SharedReservation NotHeld = new(false, null);
}
