namespace Gateway.Api.Routing;

/// <summary>
/// <c>usage-based-routing-v2</c>: the deployment that has used the fewest tokens this minute, among those the call
/// keeps under their <c>rpm</c> and <c>tpm</c>.
/// </summary>
public sealed class LowestTpm : RoutingStrategy
{
    public static LowestTpm Instance { get; } = new();

    public override string Name => "usage-based-routing-v2";

    public override bool KeepsUnderDeploymentLimits => true;

    public override Deployment Choose(ReadOnlySpan<Deployment> candidates, in PickContext context) =>
        Lowest(candidates, context, static (d, c) => c.Load.ThisMinute(d).Tokens);
}
