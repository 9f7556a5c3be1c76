namespace Gateway.Api.Routing;

/// <summary>
/// <c>cost-based-routing</c>: the cheapest deployment by its input plus output price per token. A deployment with no
/// price counts as the dearest: the gateway cannot tell what it costs.
/// </summary>
public sealed class LowestCost : RoutingStrategy
{
    public static LowestCost Instance { get; } = new();

    public override string Name => "cost-based-routing";

    public override bool KeepsUnderDeploymentLimits => true;

    public override Deployment Choose(ReadOnlySpan<Deployment> candidates, in PickContext context) =>
        Lowest(candidates, context, static (d, _) => d.IsPriced
            ? (double)((d.Price.InputCostPerToken ?? 0m) + (d.Price.OutputCostPerToken ?? 0m))
            : double.PositiveInfinity);
}
