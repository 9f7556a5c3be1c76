using Marten;
using Microsoft.Extensions.Hosting;

namespace Gateway.Api.Access;

/// <summary>Loads every team, user and customer into the <see cref="Roster"/> and their spend so far into the budget ledger, before the gateway serves its first call; later changes are seeded as they come.</summary>
public sealed class AccessLoader(IDocumentStore store, Roster roster, Limits.BudgetSeeder seeder) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        await roster.LoadAsync(session, cancellationToken);
        await seeder.SeedAllAsync(roster, cancellationToken);
        roster.Changed += seeder.SeedChanged;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
