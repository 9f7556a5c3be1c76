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

    public Team? Team(string? teamId) => teamId is not null && _teams.TryGetValue(teamId, out var team) ? team : null;

    public PortalUser? User(string? userId) => userId is not null && _users.TryGetValue(userId, out var user) ? user : null;

    public Customer? Customer(string? customerId) =>
        customerId is not null && _customers.TryGetValue(customerId, out var customer) ? customer : null;

    public IEnumerable<Team> Teams => _teams.Values;
    public IEnumerable<PortalUser> Users => _users.Values;
    public IEnumerable<Customer> Customers => _customers.Values;

    /// <summary>Raised after a team, user or customer changed here, so budgets can follow (e.g. a new budget to seed).</summary>
    public event Action<object>? Changed;

    public void Apply(Team team) => Put(_teams, team.TeamId, team.Deleted, team);

    public void Apply(PortalUser user) => Put(_users, user.UserId, user.Deleted, user);

    public void Apply(Customer customer) => Put(_customers, customer.CustomerId, customer.Deleted, customer);

    void Put<T>(ConcurrentDictionary<string, T> map, string id, bool deleted, T item) where T : notnull
    {
        if (deleted)
            map.TryRemove(id, out _);
        else
            map[id] = item;
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
