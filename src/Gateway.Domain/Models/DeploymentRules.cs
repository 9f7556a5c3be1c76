namespace Gateway.Domain.Models;

/// <summary>
/// What a deployment added at runtime must satisfy, as the running gateway knows it: the provider prefixes it
/// supports, the ids its config.yaml deployments already use (those are read-only), and whether it could serve a
/// given deployment (its api_base resolves, its numbers are numbers, its credentials open). The gateway supplies them;
/// a test supplies its own, so the decisions stay pure.
/// </summary>
/// <param name="CanServe">The refusal for a deployment the gateway could not route to, or null.</param>
public sealed record DeploymentRules(
    IReadOnlyCollection<string> Providers,
    IReadOnlySet<string> ConfigIds,
    Func<StoredDeployment, Rejection?> CanServe)
{
    public bool KnowsProvider(string provider) => Providers.Contains(provider, StringComparer.OrdinalIgnoreCase);
}
