using Gateway.Api.Keys;
using Gateway.Domain.Customers;
using Gateway.Domain.Keys;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;
using JasperFx.Events;
using Marten;

namespace Gateway.Api.Access;

/// <summary>
/// Brings the in-memory keys, teams, users and customers up to date with events that changed them: after an admin
/// command on this node (<see cref="AccessListener"/>) and for events seen in the store from other nodes. Reads the
/// inline snapshots, so it applies what the commands decided rather than re-deciding.
/// </summary>
public sealed class AccessRefresh(IDocumentStore store, KeyDirectory keys, Roster roster)
{
    /// <summary>Which aggregate an event belongs to, by the feature folder it lives in; null for traffic and others.</summary>
    public static Type? AggregateOf(Type eventType) => eventType.Namespace switch
    {
        "Gateway.Domain.Keys" => typeof(VirtualKey),
        "Gateway.Domain.Teams" => typeof(Team),
        "Gateway.Domain.Users" => typeof(PortalUser),
        "Gateway.Domain.Customers" => typeof(Customer),
        _ => null,
    };

    /// <summary>The streams among <paramref name="events"/> whose aggregate the hot path keeps in memory.</summary>
    public static Dictionary<Guid, Type> Changed(IEnumerable<IEvent> events)
    {
        var changed = new Dictionary<Guid, Type>();
        foreach (var e in events)
            if (AggregateOf(e.EventType) is { } aggregate)
                changed[e.StreamId] = aggregate;
        return changed;
    }

    public async Task RefreshAsync(IReadOnlyDictionary<Guid, Type> changed, CancellationToken ct)
    {
        if (changed.Count == 0)
            return;
        await using var session = store.QuerySession();
        foreach (var (id, aggregate) in changed)
        {
            if (aggregate == typeof(VirtualKey) && await session.LoadAsync<VirtualKey>(id, ct) is { } key)
                keys.Apply(key);
            else if (aggregate == typeof(Team) && await session.LoadAsync<Team>(id, ct) is { } team)
                roster.Apply(team);
            else if (aggregate == typeof(PortalUser) && await session.LoadAsync<PortalUser>(id, ct) is { } user)
                roster.Apply(user);
            else if (aggregate == typeof(Customer) && await session.LoadAsync<Customer>(id, ct) is { } customer)
                roster.Apply(customer);
        }
    }
}
