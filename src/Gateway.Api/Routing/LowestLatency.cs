namespace Gateway.Api.Routing;

/// <summary>
/// <c>latency-based-routing</c>: the deployment with the lowest recent latency (per completion token; time to first
/// chunk for streams), picked at random among those within <c>lowest_latency_buffer</c> of the fastest, as LiteLLM
/// does, so that near-equal deployments share the load. A deployment not yet used counts as fastest, so each gets tried.
/// </summary>
public sealed class LowestLatency(double buffer) : RoutingStrategy
{
    public override string Name => "latency-based-routing";

    public override bool KeepsUnderDeploymentLimits => true;

    public double Buffer { get; } = buffer;

    public override Deployment Choose(ReadOnlySpan<Deployment> candidates, in PickContext context) =>
        Lowest(candidates, context, static (d, c) => c.Load.AverageLatency(d, c.Stream), Buffer);
}
