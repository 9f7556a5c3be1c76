namespace Gateway.Api.Routing;

/// <summary><c>least-busy</c>: the deployment with the fewest calls in flight on this node.</summary>
public sealed class LeastBusy : RoutingStrategy
{
    public static LeastBusy Instance { get; } = new();

    public override string Name => "least-busy";

    public override Deployment Choose(ReadOnlySpan<Deployment> candidates, in PickContext context) =>
        Lowest(candidates, context, static (d, c) => c.Load.InFlight(d));
}
