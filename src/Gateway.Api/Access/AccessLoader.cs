using Marten;
using Microsoft.Extensions.Hosting;

namespace Gateway.Api.Access;

/// <summary>Loads every team, user and customer into the <see cref="Roster"/> before the gateway serves its first call.</summary>
public sealed class AccessLoader(IDocumentStore store, Roster roster) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        await roster.LoadAsync(session, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
