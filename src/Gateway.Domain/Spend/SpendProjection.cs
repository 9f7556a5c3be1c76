using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Marten.Services.BatchQuerying;

namespace Gateway.Domain.Spend;

/// <summary>
/// The one async projection behind every spend read model: the totals per key, team, user, customer and model group,
/// the daily rollup and the request log. The daemon reads and deserialises each page of calls once for all seven
/// (as seven projections it read every call seven times, most of the gateway's CPU under load in bench/gateway),
/// this loads the rows the page touches in one round trip, applies each read model's rule in event order, and the
/// daemon writes the rows with its progress in one transaction. One shard (<see cref="Shard"/>): a wait for non-stale
/// data, or a read up to the daemon's mark (<see cref="SpendSince"/>, the cost audit), covers every read model at once.
/// </summary>
public sealed class SpendProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "Spend";

    /// <summary>The daemon's name for this projection's only shard, in <c>mt_event_progression</c>.</summary>
    public const string Shard = ProjectionName + ":All";

    /// <summary>What it writes: rebuilt together (<c>projections rebuild -p Spend</c>), never one alone.</summary>
    public static readonly IReadOnlyList<Type> ReadModels =
        [typeof(KeySpend), typeof(TeamSpend), typeof(UserSpend), typeof(CustomerSpend), typeof(ModelSpend), typeof(DailySpend), typeof(SpendLog)];

    static readonly KeySpendProjection KeyRule = new();
    static readonly TeamSpendProjection TeamRule = new();
    static readonly UserSpendProjection UserRule = new();
    static readonly CustomerSpendProjection CustomerRule = new();
    static readonly ModelSpendProjection ModelRule = new();
    static readonly DailySpendProjection DayRule = new();
    static readonly SpendLogProjection LogRule = new();

    public SpendProjection()
    {
        Name = ProjectionName;
        IncludeType<RequestCompleted>();
        IncludeType<RequestFailed>();
        foreach (var type in ReadModels)
            Options.DeleteViewTypeOnTeardown(type);
        Options.BatchSize = 2_000;
    }

    public override IEnumerable<Type> PublishedTypes() => ReadModels;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        var keys = new Rows<KeySpend>(id => new KeySpend { Id = id }, row => row.Id);
        var teams = new Rows<TeamSpend>(id => new TeamSpend { Id = id }, row => row.Id);
        var users = new Rows<UserSpend>(id => new UserSpend { Id = id }, row => row.Id);
        var customers = new Rows<CustomerSpend>(id => new CustomerSpend { Id = id }, row => row.Id);
        var models = new Rows<ModelSpend>(id => new ModelSpend { Id = id }, row => row.Id);
        var days = new Rows<DailySpend>(id => new DailySpend { Id = id }, row => row.Id);
        var logs = new List<SpendLog>(events.Count);

        // The rows each call counts in, worked out once: the daily row's id is built from seven parts.
        var owners = new Owners[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            owners[i] = events[i].Data switch
            {
                RequestCompleted c => new Owners(KeySpendProjection.IdOf(c), TeamSpendProjection.IdOf(c), UserSpendProjection.IdOf(c),
                    CustomerSpendProjection.IdOf(c), ModelSpendProjection.GroupOf(c), DailySpend.IdOf(c)),
                RequestFailed f => new Owners(KeySpendProjection.IdOf(f), TeamSpendProjection.IdOf(f), UserSpendProjection.IdOf(f),
                    CustomerSpendProjection.IdOf(f), ModelSpendProjection.GroupOf(f), DailySpend.IdOf(f)),
                _ => default,
            };
            keys.Want(owners[i].Key);
            teams.Want(owners[i].Team);
            users.Want(owners[i].User);
            customers.Want(owners[i].Customer);
            models.Want(owners[i].Model);
            days.Want(owners[i].Day);
        }

        var batch = operations.CreateBatchQuery();
        var loads = new[] { keys.Load(batch), teams.Load(batch), users.Load(batch), customers.Load(batch), models.Load(batch), days.Load(batch) };
        await batch.Execute(cancellation);
        foreach (var load in loads)
            await load();

        for (var i = 0; i < events.Count; i++)
        {
            var o = owners[i];
            switch (events[i])
            {
                case IEvent<RequestCompleted> recorded:
                    var c = recorded.Data;
                    KeyRule.Apply(c, keys[o.Key]);
                    if (o.Team is not null) TeamRule.Apply(c, teams[o.Team]);
                    if (o.User is not null) UserRule.Apply(c, users[o.User]);
                    if (o.Customer is not null) CustomerRule.Apply(c, customers[o.Customer]);
                    if (o.Model is not null) ModelRule.Apply(c, models[o.Model]);
                    DayRule.Apply(c, days[o.Day!]);
                    var served = new SpendLog();
                    LogRule.Apply(recorded, served);
                    logs.Add(served);
                    break;
                case IEvent<RequestFailed> recorded:
                    var f = recorded.Data;
                    KeyRule.Apply(f, keys[o.Key]);
                    if (o.Team is not null) TeamRule.Apply(f, teams[o.Team]);
                    if (o.User is not null) UserRule.Apply(f, users[o.User]);
                    if (o.Customer is not null) CustomerRule.Apply(f, customers[o.Customer]);
                    if (o.Model is not null) ModelRule.Apply(f, models[o.Model]);
                    DayRule.Apply(f, days[o.Day!]);
                    var failed = new SpendLog();
                    LogRule.Apply(recorded, failed);
                    logs.Add(failed);
                    break;
            }
        }

        keys.StoreIn(operations);
        teams.StoreIn(operations);
        users.StoreIn(operations);
        customers.StoreIn(operations);
        models.StoreIn(operations);
        days.StoreIn(operations);
        // Inserted, not upserted: one row per call, and a call is one stream, so no event comes twice (the rebuild
        // deletes the rows first). A plain INSERT spares PostgreSQL the upsert function per row.
        if (logs.Count > 0)
            operations.Insert<SpendLog>(logs);
    }

    /// <summary>The rows of each read model one call counts in; null where it has no such owner.</summary>
    readonly record struct Owners(string Key, string? Team, string? User, string? Customer, string? Model, string? Day);

    /// <summary>The rows of one read model a page touches: loaded together, created when new, stored once.</summary>
    sealed class Rows<T>(Func<string, T> create, Func<T, string> idOf) where T : class
    {
        readonly Dictionary<string, T?> _rows = new(StringComparer.Ordinal);

        public void Want(string? id)
        {
            if (id is not null)
                _rows.TryAdd(id, default);
        }

        /// <summary>Queues the load in <paramref name="batch"/>; the returned step takes its answer once the batch ran.</summary>
        public Func<Task> Load(IBatchedQuery batch)
        {
            if (_rows.Count == 0)
                return () => Task.CompletedTask;
            var found = batch.LoadMany<T>().ByIdList(_rows.Keys.ToList());
            return async () =>
            {
                foreach (var row in await found)
                    _rows[idOf(row)] = row;
            };
        }

        public T this[string id] => _rows[id] ??= create(id);

        public void StoreIn(IDocumentOperations operations)
        {
            if (_rows.Count > 0)
                operations.Store<T>(_rows.Values.OfType<T>());
        }
    }
}
