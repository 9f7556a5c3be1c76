using System.Collections.Concurrent;

namespace Gateway.Api.Routing;

/// <summary>
/// What each deployment is doing, as the routing strategies read it: calls in flight, requests and tokens in the
/// current minute (fixed UTC minutes, as LiteLLM counts), and the latency of its recent calls. In memory, per node.
/// </summary>
public sealed class DeploymentLoad(TimeProvider time, int latencySamples = DeploymentLoad.DefaultLatencySamples)
{
    /// <summary>LiteLLM's <c>max_latency_list_size</c> default.</summary>
    public const int DefaultLatencySamples = 10;

    /// <summary>What LiteLLM's latency strategy records for a call that timed out, in seconds, so a slow deployment stops being picked.</summary>
    public const double TimeoutPenaltySeconds = 1000;

    readonly ConcurrentDictionary<string, Stats> _stats = new(StringComparer.Ordinal);

    /// <summary>A call to <paramref name="deployment"/> starts: one more in flight and one more request this minute.</summary>
    public void Started(Deployment deployment) => Start(deployment.Id, null);

    /// <summary>
    /// Starts a call unless <paramref name="deployment"/> already has <c>max_parallel_requests</c> in flight; checking and
    /// counting are one step, so concurrent calls cannot both take the last place.
    /// </summary>
    public bool TryStart(Deployment deployment) => Start(deployment.Id, deployment.MaxParallelRequests);

    bool Start(string id, int? maxParallel)
    {
        var stats = For(id);
        if (maxParallel is { } max)
        {
            int inFlight;
            do
            {
                inFlight = Volatile.Read(ref stats.InFlight);
                if (inFlight >= max)
                    return false;
            }
            while (Interlocked.CompareExchange(ref stats.InFlight, inFlight + 1, inFlight) != inFlight);
        }
        else
        {
            Interlocked.Increment(ref stats.InFlight);
        }
        var minute = Minute();
        lock (stats)
        {
            stats.Roll(minute);
            stats.Requests++;
        }
        return true;
    }

    /// <summary>The call ended (answered, failed or abandoned).</summary>
    public void Ended(Deployment deployment) => Interlocked.Decrement(ref For(deployment.Id).InFlight);

    /// <summary>Tokens the call used, counted in the current minute (usage-based routing).</summary>
    public void AddTokens(Deployment deployment, int tokens)
    {
        var stats = For(deployment.Id);
        var minute = Minute();
        lock (stats)
        {
            stats.Roll(minute);
            stats.Tokens += tokens;
        }
    }

    /// <summary>
    /// A successful call's latency, per completion token when the count is known (as LiteLLM keeps it, so long answers
    /// do not look slow), with the time to the first chunk for streams.
    /// </summary>
    public void AddLatency(Deployment deployment, TimeSpan total, int completionTokens, TimeSpan? firstChunk)
    {
        var perToken = completionTokens > 0 ? total.TotalSeconds / completionTokens : total.TotalSeconds;
        double? firstPerToken = firstChunk is { } ttft ? (completionTokens > 0 ? ttft.TotalSeconds / completionTokens : ttft.TotalSeconds) : null;
        var stats = For(deployment.Id);
        lock (stats)
        {
            stats.Latency.Add(perToken);
            if (firstPerToken is { } value)
                stats.FirstChunk.Add(value);
        }
    }

    /// <summary>A timed-out call counts as a very slow one.</summary>
    public void AddTimeout(Deployment deployment)
    {
        var stats = For(deployment.Id);
        lock (stats)
            stats.Latency.Add(TimeoutPenaltySeconds);
    }

    public int InFlight(Deployment deployment) => _stats.TryGetValue(deployment.Id, out var stats) ? Volatile.Read(ref stats.InFlight) : 0;

    /// <summary>Requests and tokens so far in the current minute.</summary>
    public (long Requests, long Tokens) ThisMinute(Deployment deployment)
    {
        if (!_stats.TryGetValue(deployment.Id, out var stats))
            return (0, 0);
        var minute = Minute();
        lock (stats)
        {
            stats.Roll(minute);
            return (stats.Requests, stats.Tokens);
        }
    }

    /// <summary>
    /// The average of recent latencies (time to first chunk for streams, when known); 0 for a deployment not yet used,
    /// so that every deployment gets tried (as LiteLLM does).
    /// </summary>
    public double AverageLatency(Deployment deployment, bool stream)
    {
        if (!_stats.TryGetValue(deployment.Id, out var stats))
            return 0;
        lock (stats)
            return stream && stats.FirstChunk.Count > 0 ? stats.FirstChunk.Average() : stats.Latency.Average();
    }

    Stats For(string id) => _stats.GetOrAdd(id, static (_, samples) => new Stats(samples), latencySamples);

    long Minute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    sealed class Stats(int samples)
    {
        public int InFlight;
        public long Window;
        public long Requests;
        public long Tokens;
        public readonly Samples Latency = new(samples);
        public readonly Samples FirstChunk = new(samples);

        public void Roll(long minute)
        {
            if (Window == minute)
                return;
            Window = minute;
            Requests = 0;
            Tokens = 0;
        }
    }

    /// <summary>The last few values, oldest overwritten first.</summary>
    sealed class Samples(int capacity)
    {
        readonly double[] _values = new double[Math.Max(1, capacity)];
        int _next;

        public int Count { get; private set; }

        public void Add(double value)
        {
            _values[_next] = value;
            _next = (_next + 1) % _values.Length;
            Count = Math.Min(Count + 1, _values.Length);
        }

        public double Average()
        {
            if (Count == 0)
                return 0;
            var sum = 0d;
            for (var i = 0; i < Count; i++)
                sum += _values[i];
            return sum / Count;
        }
    }
}
