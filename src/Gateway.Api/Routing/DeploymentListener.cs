using Gateway.Domain.Models;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Routing;

/// <summary>
/// After any session on this node commits a deployment's change, rebuilds the router's table before the command
/// answers, so the very next call here sees it. Other nodes learn of it from the event feed. Resolved late: the store
/// is built before the services it would need.
/// </summary>
public sealed class DeploymentListener(IServiceProvider services) : DocumentSessionListenerBase
{
    public override async Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetEvents().Any(e => IsDeploymentChange(e.Data)))
            await services.GetRequiredService<StoredDeployments>().ReloadAsync(token);
    }

    public static bool IsDeploymentChange(object data) => data is DeploymentAdded or DeploymentUpdated or DeploymentRemoved;
}
