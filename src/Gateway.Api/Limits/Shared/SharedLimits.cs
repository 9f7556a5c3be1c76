namespace Gateway.Api.Limits.Shared;

/// <summary>
/// The part of a call's limits that several gateways count together, after this node's own view has let it through:
/// hard budgets and rate limits in Redis when it is configured; else hard budgets on leases from PostgreSQL
/// (<see cref="BudgetLeases"/>), unless they are turned off. With nothing shared every method answers at once without
/// allocating, so a single gateway's hot path stays as it was.
/// </summary>
public sealed class SharedLimits(RedisBudgets? budgets, RedisRateLimits? rates, BudgetLeases? leases = null)
{
    public static readonly SharedLimits None = new(null, null);

    public bool SharesRates => rates is not null;

    /// <summary>Whether the call has a budget with a maximum that is shared (the others are only tracked, locally).</summary>
    public bool SharesBudgets(IReadOnlyList<BudgetLimit> limits) => (budgets is not null || leases is not null) && RedisBudgets.AnyHard(limits);

    public ValueTask<SharedReservation> ReserveAsync(IReadOnlyList<BudgetLimit> limits, decimal amount) =>
        budgets?.ReserveAsync(limits, amount) ?? leases?.ReserveAsync(limits, amount) ?? ValueTask.FromResult(SharedReservation.NotHeld);

    /// <param name="requestId">The call, whose event the writer will charge (leases).</param>
    /// <param name="limits">The call's budgets.</param>
    /// <param name="held">What <see cref="ReserveAsync"/> held (zero when it held nothing: Redis or the database was away).</param>
    /// <param name="cost">What the call cost.</param>
    public void Settle(Guid requestId, IReadOnlyList<BudgetLimit> limits, decimal held, decimal cost)
    {
        if (budgets is not null)
            budgets.Settle(limits, held, cost);
        else
            leases?.Settle(requestId, limits, held, cost);
    }

    public ValueTask<SharedRates> AcquireRatesAsync(IReadOnlyList<RateLimit> limits) =>
        rates?.AcquireAsync(limits) ?? ValueTask.FromResult(default(SharedRates));

    public void ReleaseRates(IReadOnlyList<RateLimit> limits, int tokens) => rates?.Release(limits, tokens);
}
