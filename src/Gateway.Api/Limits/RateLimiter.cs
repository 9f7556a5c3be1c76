using System.Collections.Concurrent;
using Gateway.Domain.Budgets;

namespace Gateway.Api.Limits;

/// <summary>Requests and tokens allowed per minute, and calls allowed at once, for one scope.</summary>
public readonly record struct RateLimit(BudgetScope Scope, long? RequestsPerMinute, long? TokensPerMinute, int? MaxParallel);

/// <summary>Why a call was refused, with when to retry.</summary>
public readonly record struct RateRefusal(BudgetScope Scope, string LimitType, long Limit, DateTimeOffset ResetsAt);

/// <summary>
/// RPM, TPM and parallel-request limits in memory, in fixed one-minute windows as LiteLLM counts them. A call takes a
/// request slot and a parallel slot up front (atomically across scopes, given back if any scope refuses); its tokens
/// count when it ends. TPM refuses once the minute's tokens reach the limit.
/// </summary>
public sealed class RateLimiter(TimeProvider time)
{
    readonly ConcurrentDictionary<BudgetScope, Counter> _counters = new();

    public bool TryAcquire(IReadOnlyList<RateLimit> limits, out RateLease lease, out RateRefusal refusal)
    {
        var now = time.GetUtcNow();
        var minute = Minute(now);
        var taken = new Counter[limits.Count];
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            var counter = _counters.GetOrAdd(limit.Scope, static _ => new Counter());
            lock (counter)
            {
                counter.Roll(minute);
                string? refusedType = null;
                long refusedLimit = 0;
                if (limit.RequestsPerMinute is { } rpm && counter.Requests >= rpm) (refusedType, refusedLimit) = ("requests", rpm);
                else if (limit.TokensPerMinute is { } tpm && counter.Tokens >= tpm) (refusedType, refusedLimit) = ("tokens", tpm);
                else if (limit.MaxParallel is { } parallel && counter.InFlight >= parallel) (refusedType, refusedLimit) = ("parallel_requests", parallel);

                if (refusedType is not null)
                {
                    for (var j = 0; j < i; j++)
                        lock (taken[j]) { taken[j].Requests--; taken[j].InFlight--; }
                    refusal = new RateRefusal(limit.Scope, refusedType, refusedLimit,
                        refusedType == "parallel_requests" ? now.AddSeconds(1) : minute.AddMinutes(1));
                    lease = default;
                    return false;
                }
                counter.Requests++;
                counter.InFlight++;
            }
            taken[i] = counter;
        }
        lease = new RateLease(taken, minute);
        refusal = default;
        return true;
    }

    /// <summary>Ends the call: frees its parallel slot and counts its tokens in the current minute.</summary>
    public void Release(RateLease lease, int tokens)
    {
        if (lease.Counters is null)
            return;
        var minute = Minute(time.GetUtcNow());
        foreach (var counter in lease.Counters)
        {
            lock (counter)
            {
                counter.InFlight--;
                counter.Roll(minute);
                counter.Tokens += tokens;
            }
        }
    }

    /// <summary>
    /// The shared count (Redis) refused a call after this node took its slots: it is as if it had never asked (its
    /// request no longer counts in the minute it was taken in).
    /// </summary>
    public void GiveBack(RateLease lease)
    {
        if (lease.Counters is null)
            return;
        foreach (var counter in lease.Counters)
        {
            lock (counter)
            {
                counter.InFlight--;
                if (counter.Minute == lease.Minute && counter.Requests > 0)
                    counter.Requests--;
            }
        }
    }

    /// <summary>What is left this minute, for the x-ratelimit-* headers.</summary>
    public (long Requests, long Tokens) Used(BudgetScope scope)
    {
        if (!_counters.TryGetValue(scope, out var counter))
            return (0, 0);
        lock (counter)
        {
            counter.Roll(Minute(time.GetUtcNow()));
            return (counter.Requests, counter.Tokens);
        }
    }

    static DateTimeOffset Minute(DateTimeOffset now) => new(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
}

/// <summary>A call's hold on its rate-limit slots, given back by <see cref="RateLimiter.Release"/>.</summary>
public readonly struct RateLease
{
    internal RateLease(Counter[] counters, DateTimeOffset minute)
    {
        Counters = counters;
        Minute = minute;
    }

    internal Counter[]? Counters { get; }
    internal DateTimeOffset Minute { get; }
    public bool IsEmpty => Counters is null;
}

internal sealed class Counter
{
    public DateTimeOffset Minute;
    public long Requests;
    public long Tokens;
    public long InFlight;

    public void Roll(DateTimeOffset minute)
    {
        if (minute <= Minute)
            return;
        Minute = minute;
        Requests = 0;
        Tokens = 0;
    }
}
