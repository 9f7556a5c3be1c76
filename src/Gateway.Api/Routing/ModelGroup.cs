namespace Gateway.Api.Routing;

/// <summary>
/// The deployments that share one public model name. Calls are placed by the <see cref="Router"/>; <see cref="Pick"/>
/// (by weight) serves callers that need a deployment without sending a call through it (token counting).
/// </summary>
public sealed class ModelGroup(string name, IReadOnlyList<Deployment> deployments)
{
    readonly double _totalWeight = Sum(deployments);

    public string Name { get; } = name;
    public IReadOnlyList<Deployment> Deployments { get; } = deployments;

    /// <summary>The wildcard name (<c>openai/*</c>) this group was matched by, for a model served through one.</summary>
    public string? Pattern { get; init; }

    public Deployment Pick()
    {
        if (Deployments.Count == 1)
            return Deployments[0];

        var ticket = Random.Shared.NextDouble() * _totalWeight;
        for (var i = 0; i < Deployments.Count; i++)
        {
            ticket -= Deployments[i].Weight;
            if (ticket < 0)
                return Deployments[i];
        }
        return Deployments[^1];
    }

    static double Sum(IReadOnlyList<Deployment> deployments)
    {
        var total = 0d;
        for (var i = 0; i < deployments.Count; i++)
            total += deployments[i].Weight;
        return total;
    }
}
