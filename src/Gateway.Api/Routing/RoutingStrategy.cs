namespace Gateway.Api.Routing;

/// <summary>What a strategy may read about the call and the deployments when it picks.</summary>
public readonly record struct PickContext(DeploymentLoad Load, bool Stream, int PromptTokens, Random Random);

/// <summary>
/// How a model group picks one of its available deployments (<c>router_settings.routing_strategy</c>). Strategies
/// only choose: which deployments are available (not cooling, right tags, big enough, under their limits, lowest
/// <c>order</c>) is decided before, by <see cref="Router"/>.
/// </summary>
public abstract class RoutingStrategy
{
    /// <summary>The name config.yaml uses.</summary>
    public abstract string Name { get; }

    /// <summary>Whether deployments at their <c>rpm</c>/<c>tpm</c> this minute are left out before choosing (LiteLLM does for these strategies).</summary>
    public virtual bool KeepsUnderDeploymentLimits => false;

    /// <summary>One of <paramref name="candidates"/> (never empty).</summary>
    public abstract Deployment Choose(ReadOnlySpan<Deployment> candidates, in PickContext context);

    public static RoutingStrategy For(string? name, double latencyBuffer) => name switch
    {
        null or "simple-shuffle" => SimpleShuffle.Instance,
        "least-busy" => LeastBusy.Instance,
        "usage-based-routing-v2" or "usage-based-routing" => LowestTpm.Instance,
        "latency-based-routing" => new LowestLatency(latencyBuffer),
        "cost-based-routing" => LowestCost.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown routing strategy"),
    };

    /// <summary>
    /// The candidate with the lowest <paramref name="score"/>; ties (within <paramref name="tolerance"/> of the lowest,
    /// as a fraction of it) are broken at random so equal deployments share the load.
    /// </summary>
    protected static Deployment Lowest(ReadOnlySpan<Deployment> candidates, in PickContext context, Func<Deployment, PickContext, double> score, double tolerance = 0)
    {
        Span<double> scores = candidates.Length <= 64 ? stackalloc double[candidates.Length] : new double[candidates.Length];
        var lowest = double.PositiveInfinity;
        for (var i = 0; i < candidates.Length; i++)
        {
            scores[i] = score(candidates[i], context);
            lowest = Math.Min(lowest, scores[i]);
        }

        var limit = double.IsPositiveInfinity(lowest) ? lowest : lowest + Math.Abs(lowest) * tolerance;
        var ties = 0;
        for (var i = 0; i < scores.Length; i++)
            if (scores[i] <= limit)
                ties++;
        var ticket = context.Random.Next(ties);
        for (var i = 0; i < scores.Length; i++)
            if (scores[i] <= limit && ticket-- == 0)
                return candidates[i];
        return candidates[0];
    }
}
