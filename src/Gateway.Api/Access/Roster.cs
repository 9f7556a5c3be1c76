using System.Collections.Concurrent;
using Gateway.Domain.Customers;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;
using Marten;

namespace Gateway.Api.Access;

/// <summary>
/// The hot path's view of teams, portal users and customers, in memory by their LiteLLM ids. They are few next to
/// requests, so all of them are loaded at start-up; admin commands on this node and the event feed from other nodes
/// keep them current. Deleted ones are dropped.
/// </summary>
public sealed class Roster
{
    readonly ConcurrentDictionary<string, Team> _teams = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, PortalUser> _users = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Customer> _customers = new(StringComparer.Ordinal);

    public Team? Team(string? teamId) => teamId is not null && _teams.TryGetValue(teamId, out var team) && !team.Deleted ? team : null;

    public PortalUser? User(string? userId) => userId is not null && _users.TryGetValue(userId, out var user) && !user.Deleted ? user : null;

    public Customer? Customer(string? customerId) =>
        customerId is not null && _customers.TryGetValue(customerId, out var customer) && !customer.Deleted ? customer : null;

    public IEnumerable<Team> Teams => _teams.Values.Where(t => !t.Deleted);
    public IEnumerable<PortalUser> Users => _users.Values.Where(u => !u.Deleted);
    public IEnumerable<Customer> Customers => _customers.Values.Where(c => !c.Deleted);

    /// <summary>Raised after a team, user or customer changed here, so budgets can follow (e.g. a new budget to seed).</summary>
    public event Action<object>? Changed;

    public void Apply(Team team) => Put(_teams, team.TeamId, team, team.UpdatedAt, static t => t.UpdatedAt);

    public void Apply(PortalUser user) => Put(_users, user.UserId, user, user.UpdatedAt, static u => u.UpdatedAt);

    public void Apply(Customer customer) => Put(_customers, customer.CustomerId, customer, customer.UpdatedAt, static c => c.UpdatedAt);

    /// <summary>
    /// Keeps the newer state: a refresh that read a snapshot before a later command committed (the event feed and a
    /// command's own refresh can cross) must not put the older one back. Deleted ones stay as tombstones for that.
    /// </summary>
    void Put<T>(ConcurrentDictionary<string, T> map, string id, T item, DateTimeOffset updatedAt, Func<T, DateTimeOffset> updatedAtOf) where T : notnull
    {
        var applied = true;
        map.AddOrUpdate(id, _ => item, (_, current) =>
        {
            applied = updatedAtOf(current) <= updatedAt;
            return applied ? item : current;
        });
        if (applied)
            Changed?.Invoke(item);
    }

    /// <summary>Loads every team, user and customer; called once before the gateway serves.</summary>
    public async Task LoadAsync(IQuerySession session, CancellationToken ct)
    {
        foreach (var team in await session.Query<Team>().Where(t => !t.Deleted).ToListAsync(ct))
            _teams[team.TeamId] = team;
        foreach (var user in await session.Query<PortalUser>().Where(u => !u.Deleted).ToListAsync(ct))
            _users[user.UserId] = user;
        foreach (var customer in await session.Query<Customer>().Where(c => !c.Deleted).ToListAsync(ct))
            _customers[customer.CustomerId] = customer;
    }
}
