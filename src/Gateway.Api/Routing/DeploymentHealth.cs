using System.Collections.Concurrent;
using Gateway.Api.Errors;

namespace Gateway.Api.Routing;

/// <summary>A deployment starts cooling down: why, for how long, after how many failures this minute.</summary>
public readonly record struct Cooldown(Deployment Deployment, ApiError Error, int FailuresThisMinute, DateTimeOffset At, DateTimeOffset Until);

/// <summary>
/// Which deployments are cooling down, and each one's failures in the current minute. A failure that the
/// <see cref="RouterPolicy"/> says cools at once (429, 401, 404, timeout) or that is one more than <c>allowed_fails</c>
/// this minute takes the deployment out of routing for its cooldown time (the longer of <c>cooldown_time</c> and the
/// upstream's retry-after). In memory, per node, as LiteLLM keeps it without Redis.
/// </summary>
public sealed class DeploymentHealth(TimeProvider time)
{
    readonly ConcurrentDictionary<string, State> _states = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="deployment"/> still cools down; zero when it is available.</summary>
    public TimeSpan CoolingFor(Deployment deployment)
    {
        if (!_states.TryGetValue(deployment.Id, out var state))
            return TimeSpan.Zero;
        var left = new DateTimeOffset(Volatile.Read(ref state.CoolingUntilTicks), TimeSpan.Zero) - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public bool IsCooling(Deployment deployment) => CoolingFor(deployment) > TimeSpan.Zero;

    /// <summary>
    /// Counts a failed call. Returns the cooldown it started, or null when the deployment stays in (or was already
    /// cooling: a call that was in flight when it cooled extends nothing).
    /// </summary>
    public Cooldown? RecordFailure(Deployment deployment, UpstreamErrorKind kind, ApiError error, RouterPolicy policy)
    {
        if (policy.AllowedFailsFor(kind) is not { } allowed)
            return null;
        // A wildcard deployment serves many models: one of them missing upstream says nothing about the others.
        if (kind == UpstreamErrorKind.NotFound && deployment.IsPattern)
            return null;

        var state = _states.GetOrAdd(deployment.Id, static _ => new State());
        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        lock (state)
        {
            if (state.Minute != minute)
            {
                state.Minute = minute;
                state.Failures = 0;
            }
            state.Failures++;

            if (state.CoolingUntilTicks > now.UtcTicks || state.Failures <= allowed)
                return null;

            var length = deployment.CooldownTime ?? policy.Cooldown;
            if (kind == UpstreamErrorKind.RateLimit && error.RetryAfterSeconds is { } retryAfter && TimeSpan.FromSeconds(retryAfter) > length)
                length = TimeSpan.FromSeconds(retryAfter);
            if (length <= TimeSpan.Zero)
                return null;

            var until = now + length;
            Volatile.Write(ref state.CoolingUntilTicks, until.UtcTicks);
            return new Cooldown(deployment, error, state.Failures, now, until);
        }
    }

    /// <summary>Drops what is known of a deployment that changed or is gone: a changed one starts with a clean slate.</summary>
    public void Forget(string deploymentId) => _states.TryRemove(deploymentId, out _);

    sealed class State
    {
        public long Minute;
        public int Failures;
        public long CoolingUntilTicks;
    }
}
