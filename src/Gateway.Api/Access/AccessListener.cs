using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Access;

/// <summary>
/// After any session on this node commits, refreshes the keys, teams, users and customers it changed, so an admin
/// command takes effect on the very next call here. The services are resolved late: the store is built before them.
/// </summary>
public sealed class AccessListener(IServiceProvider services) : DocumentSessionListenerBase
{
    public override async Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var changed = AccessRefresh.Changed(commit.GetEvents());
        if (changed.Count > 0)
            await services.GetRequiredService<AccessRefresh>().RefreshAsync(changed, token);
    }
}
