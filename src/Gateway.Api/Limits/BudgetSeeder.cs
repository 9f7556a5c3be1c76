using Gateway.Domain.Budgets;
using Gateway.Domain.Customers;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;
using Marten;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Limits;

/// <summary>One budget to seed: whose, the window it counts in now, and which recorded calls count towards it.</summary>
public readonly record struct BudgetSeed(BudgetScope Scope, BudgetWindow? Window, SpendFilter Filter);

/// <summary>
/// Brings what was spent before this node knew of a budget into its ledger: at start-up for every team, member, user,
/// customer and the proxy; when a key is first seen; and when a budget appears or changes. The sums come from the
/// store (<see cref="SpendSince"/>, exact even while the rollups lag), off the hot path.
/// </summary>
public sealed partial class BudgetSeeder(
    IDocumentStore store, BudgetLedger ledger, ProxyBudget proxy, Events.FeedPosition feed, Events.DatabaseOutage outage, TimeProvider time,
    ILogger<BudgetSeeder> logger)
{
    static DateTimeOffset Since(BudgetWindow? window) => window?.Start ?? DateTimeOffset.UnixEpoch;

    public static IEnumerable<BudgetSeed> For(VirtualKey key, DateTimeOffset now)
    {
        var window = key.CurrentBudgetWindow(now);
        yield return new BudgetSeed(BudgetScope.ForKey(key.Id), window, new SpendFilter(key.KeyHash, null, null, null, null, Since(window), EarlierKeyHashes: key.RetiredKeyHashes));
        foreach (var (model, budget) in key.ModelMaxBudget)
        {
            var modelWindow = BudgetWindow.Of(budget.TimePeriod, key.BudgetWindowAnchor, now);
            yield return new BudgetSeed(BudgetScope.ForKeyModel(key.Id, model), modelWindow,
                new SpendFilter(key.KeyHash, null, null, null, model, Since(modelWindow), EarlierKeyHashes: key.RetiredKeyHashes));
        }
    }

    public static IEnumerable<BudgetSeed> For(Team team, DateTimeOffset now)
    {
        var window = team.CurrentBudgetWindow(now);
        if (team.MaxBudget is not null || team.SoftBudget is not null)
            yield return new BudgetSeed(BudgetScope.ForTeam(team.TeamId), window, new SpendFilter(null, team.TeamId, null, null, null, Since(window)));
        foreach (var member in team.Members)
        {
            if (member.MaxBudgetInTeam is not null)
                yield return new BudgetSeed(BudgetScope.ForTeamMember(team.TeamId, member.UserId), window,
                    new SpendFilter(null, team.TeamId, member.UserId, null, null, Since(window)));
        }
    }

    public static IEnumerable<BudgetSeed> For(PortalUser user, DateTimeOffset now)
    {
        var window = user.CurrentBudgetWindow(now);
        if (user.MaxBudget is not null)
            yield return new BudgetSeed(BudgetScope.ForUser(user.UserId), window, new SpendFilter(null, null, user.UserId, null, null, Since(window)));
    }

    public static IEnumerable<BudgetSeed> For(Customer customer, DateTimeOffset now)
    {
        var window = customer.CurrentBudgetWindow(now);
        if (customer.MaxBudget is not null)
            yield return new BudgetSeed(BudgetScope.ForCustomer(customer.CustomerId), window,
                new SpendFilter(null, null, null, customer.CustomerId, null, Since(window)));
    }

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> _unlistedCustomers = new(StringComparer.Ordinal);

    /// <summary>
    /// An end user known only from the requests naming them, under <c>max_end_user_budget</c> (a lifetime budget): the
    /// first call naming them on this node waits once for their spend so far (as an unknown key is looked up once);
    /// later calls find it done. Nothing to do without a default end-user budget, nor while the database is down (the
    /// end user's budget then counts from this node's calls; the first call after the outage seeds it).
    /// </summary>
    public Task EnsureUnlistedCustomerAsync(string customerId)
    {
        if (proxy.DefaultCustomerBudget is null || outage.IsOngoing)
            return Task.CompletedTask;
        if (_unlistedCustomers.TryGetValue(customerId, out var loading))
            return loading;
        var seed = new BudgetSeed(BudgetScope.ForCustomer(customerId), null,
            new SpendFilter(null, null, null, customerId, null, DateTimeOffset.UnixEpoch));
        return _unlistedCustomers.GetOrAdd(customerId, _ => SeedUnlistedAsync(customerId, seed));
    }

    /// <summary>A seed that failed (the database busy or away) is forgotten, so the end user's next call tries again.</summary>
    async Task SeedUnlistedAsync(string customerId, BudgetSeed seed)
    {
        await Task.Yield(); // so GetOrAdd has stored this task before a failure removes it
        if (!await SeedQuietlyAsync([seed]))
            _unlistedCustomers.TryRemove(customerId, out _);
    }

    public IEnumerable<BudgetSeed> ForProxy(DateTimeOffset now)
    {
        var window = proxy.CurrentWindow(now);
        if (proxy.MaxBudget is not null)
            yield return new BudgetSeed(BudgetScope.WholeProxy, window, new SpendFilter(null, null, null, null, null, Since(window)));
    }

    /// <summary>Sums and seeds each budget with what was recorded up to the event feed's position, the feed held still.</summary>
    public Task SeedAsync(IEnumerable<BudgetSeed> seeds, CancellationToken ct) =>
        feed.HoldAsync(async upTo =>
        {
            await using var session = store.QuerySession();
            foreach (var seed in seeds)
                ledger.Seed(seed.Scope, await SpendSince.SumAsync(session, seed.Filter with { UpToSequence = upTo }, ct), seed.Window);
        }, ct);

    /// <summary>Everything in the roster plus the proxy, at start-up.</summary>
    public Task SeedAllAsync(Access.Roster roster, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return SeedAsync(
            ForProxy(now)
                .Concat(roster.Teams.SelectMany(team => For(team, now)))
                .Concat(roster.Users.SelectMany(user => For(user, now)))
                .Concat(roster.Customers.SelectMany(customer => For(customer, now))),
            ct);
    }

    /// <summary>A team, user or customer changed: seed its budgets in the background (a new budget starts from what was spent).</summary>
    public void SeedChanged(object changed)
    {
        var now = time.GetUtcNow();
        var seeds = changed switch
        {
            Team team when !team.Deleted => For(team, now).ToList(),
            PortalUser user when !user.Deleted => For(user, now).ToList(),
            Customer customer when !customer.Deleted => For(customer, now).ToList(),
            _ => [],
        };
        SeedLater(seeds);
    }

    /// <summary>
    /// Seeds in the background, outside whatever flow asked (the event feed holding its position, an admin command):
    /// the seed waits for the feed to stand still, then reads exactly up to where it stands.
    /// </summary>
    public void SeedLater(List<BudgetSeed> seeds)
    {
        if (seeds.Count == 0)
            return;
        using (ExecutionContext.SuppressFlow())
            _ = Task.Run(() => SeedQuietlyAsync(seeds));
    }

    async Task<bool> SeedQuietlyAsync(List<BudgetSeed> seeds)
    {
        try
        {
            await SeedAsync(seeds, CancellationToken.None);
            return true;
        }
        catch (Exception ex)
        {
            LogSeedFailed(logger, seeds[0].Scope.ToString(), ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the spend so far for {Scope}; its budget counts from this node's calls only")]
    static partial void LogSeedFailed(ILogger logger, string scope, Exception exception);
}
