using StackExchange.Redis;

namespace Gateway.Api.Limits.Shared;

/// <summary>
/// RPM, TPM and parallel-request limits counted in Redis for every node at once, in one script per call
/// (<see cref="RedisScripts.Acquire"/>) and one more it does not wait for when it ends. Minutes are Redis's, and their
/// counters expire after two; a node that dies gives its parallel slots back when its heartbeat expires.
/// </summary>
public sealed class RedisRateLimits(RedisLink link)
{
    /// <summary>
    /// Takes a request (and a parallel slot) in every scope, or none. <see cref="SharedRates.Counted"/> says whether
    /// Redis counted it (so the end of the call must be reported); false when Redis is away or refused.
    /// </summary>
    public async ValueTask<SharedRates> AcquireAsync(IReadOnlyList<RateLimit> limits)
    {
        if (!link.Up)
            return default;
        var args = new RedisValue[4 + limits.Count * 4];
        args[0] = link.Prefix;
        args[1] = link.NodeId;
        args[2] = link.HeartbeatMilliseconds;
        args[3] = limits.Count;
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            args[4 + i * 4] = limit.Scope.Kind + ":" + limit.Scope.Id;
            args[5 + i * 4] = limit.RequestsPerMinute ?? -1;
            args[6 + i * 4] = limit.TokensPerMinute ?? -1;
            args[7 + i * 4] = limit.MaxParallel ?? -1;
        }

        RedisResult[] answer;
        try
        {
            answer = (RedisResult[])(await link.Database.ScriptEvaluateAsync(RedisScripts.Acquire, null, args))!;
        }
        catch (Exception ex)
        {
            link.Failed(ex);
            return default;
        }
        var refused = (int)answer[0];
        if (refused == 0)
            return new SharedRates(true, null);
        var refusing = limits[refused - 1];
        var resetsAt = DateTimeOffset.FromUnixTimeSeconds((long)answer[2]);
        var refusal = (int)answer[1] switch
        {
            1 => new RateRefusal(refusing.Scope, "requests", refusing.RequestsPerMinute!.Value, resetsAt),
            2 => new RateRefusal(refusing.Scope, "tokens", refusing.TokensPerMinute!.Value, resetsAt),
            _ => new RateRefusal(refusing.Scope, "parallel_requests", refusing.MaxParallel!.Value, resetsAt),
        };
        return new SharedRates(false, refusal);
    }

    /// <summary>The call counted in Redis ended: its tokens count in this minute, and its parallel slots are free.</summary>
    public void Release(IReadOnlyList<RateLimit> limits, int tokens)
    {
        var args = new RedisValue[4 + limits.Count * 2];
        args[0] = link.Prefix;
        args[1] = link.NodeId;
        args[2] = Math.Max(0, tokens);
        args[3] = limits.Count;
        for (var i = 0; i < limits.Count; i++)
        {
            args[4 + i * 2] = limits[i].Scope.Kind + ":" + limits[i].Scope.Id;
            args[5 + i * 2] = limits[i].MaxParallel is null ? "0" : "1";
        }
        link.Settle(RedisScripts.Release, args);
    }
}

/// <summary>Whether Redis counted the call, or which limit refused it there.</summary>
public readonly record struct SharedRates(bool Counted, RateRefusal? Refusal);
