namespace Gateway.Api.Limits.Shared;

/// <summary>
/// The part of a call's limits that several gateways count together, after this node's own view has let it through:
/// hard budgets and rate limits in Redis when it is configured. With nothing configured every method answers at once
/// without allocating, so a single gateway's hot path stays as it was.
/// </summary>
public sealed class SharedLimits(RedisBudgets? budgets, RedisRateLimits? rates)
{
    public static readonly SharedLimits None = new(null, null);

    public bool SharesRates => rates is not null;

    /// <summary>Whether the call has a budget with a maximum that is shared (the others are only tracked, locally).</summary>
    public bool SharesBudgets(IReadOnlyList<BudgetLimit> limits) => budgets is not null && RedisBudgets.AnyHard(limits);

    public ValueTask<SharedReservation> ReserveAsync(IReadOnlyList<BudgetLimit> limits, decimal amount) =>
        budgets?.ReserveAsync(limits, amount) ?? ValueTask.FromResult(SharedReservation.NotHeld);

    /// <param name="held">What <see cref="ReserveAsync"/> held (zero when it held nothing: Redis was away).</param>
    public void Settle(IReadOnlyList<BudgetLimit> limits, decimal held, decimal cost) => budgets?.Settle(limits, held, cost);

    public ValueTask<SharedRates> AcquireRatesAsync(IReadOnlyList<RateLimit> limits) =>
        rates?.AcquireAsync(limits) ?? ValueTask.FromResult(default(SharedRates));

    public void ReleaseRates(IReadOnlyList<RateLimit> limits, int tokens) => rates?.Release(limits, tokens);
}
