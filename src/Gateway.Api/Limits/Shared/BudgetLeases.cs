using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.Api.Events;
using Gateway.Domain.Budgets;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql.Tables;

namespace Gateway.Api.Limits.Shared;

/// <summary>
/// Hard budgets shared by the gateways of one PostgreSQL when there is no Redis, without a database round trip per
/// call: budget leases. Per budget and window (an account, named as in Redis), <c>budget_accounts</c> holds what was
/// charged, and <c>budget_leases</c> per node the headroom that node may still use. A node grants itself more headroom
/// in one transaction that locks the account and checks charged + every live lease + the new one against the maximum;
/// then its calls hold and settle against its lease in memory, and it goes back to the database only when the lease
/// runs low (in the background before it runs out; a call waits only when it is out). A grant is what the call is
/// short plus a share of what is left (half of it for a node alone, a third with one other node holding a lease, …), so
/// a node that arrives later still finds headroom; near the limit (room for fewer than <see cref="TightCalls"/> calls)
/// only what the call is short, handed back when the call ends.
/// <para>
/// Spend reaches the account through the event writer: before it appends a batch, <see cref="ChargeAsync"/> adds the
/// batch's costs to the accounts and takes them off this node's lease in one transaction, so charged + leases never
/// shrinks below what the store records (if the append then fails, the account counts more, never less). A lease lives
/// while its node renews it (every <see cref="Beat"/>, for <see cref="Lifetime"/>): a node that dies gives its headroom
/// back within that, and a node that cannot renew stops using its lease before the others may take it. An idle lease
/// is handed back. The database away: calls go on on the node's own ledger (fail open, logged once).
/// </para>
/// <para>
/// Grants, charges and hand-backs add to or take off a lease (in the database and in memory alike), so they need no
/// lock between them: the account row's lock orders them in the database, and in memory the order does not matter.
/// </para>
/// </summary>
public sealed partial class BudgetLeases(IDocumentStore store, BudgetLedger ledger, GatewayNode node, TimeProvider time, ILogger<BudgetLeases> logger)
    : IHostedService, IBatchCharges
{
    public const string AccountsTable = "budget_accounts";
    public const string LeasesTable = "budget_leases";

    /// <summary>How long a lease lives without renewal: a dead node's headroom returns within this.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>A lease is used only this long after its last renewal began, so it is never used after others may take it.</summary>
    static readonly TimeSpan UsableFor = Lifetime - TimeSpan.FromSeconds(3);

    static readonly TimeSpan Beat = TimeSpan.FromSeconds(2);

    /// <summary>A budget with room for fewer calls than this (of the largest this node has held) is near its limit.</summary>
    const int TightCalls = 8;

    /// <summary>How often the accounts of windows that ended over a day ago are deleted.</summary>
    static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);
    static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(5);
    static readonly TimeSpan GrantTimeout = TimeSpan.FromSeconds(2);
    static readonly TimeSpan ChargeTimeout = TimeSpan.FromSeconds(5);
    static readonly TimeSpan AwayPause = TimeSpan.FromSeconds(5);

    readonly ConcurrentDictionary<(BudgetScope, DateTimeOffset?), Lease> _leases = new();
    readonly ConcurrentDictionary<Guid, Charge> _uncharged = new();
    readonly CancellationTokenSource _stopping = new();
    readonly string _schema = store.Options.DatabaseSchemaName;
    long _sweptAt;
    long _awayUntil;
    int _awayLogged;
    Task? _loop;

    public static IEnumerable<Table> Tables(string schema)
    {
        var accounts = new Table($"{schema}.{AccountsTable}");
        accounts.AddColumn<string>("account").AsPrimaryKey();
        accounts.AddColumn("spent", "numeric").NotNull();
        accounts.AddColumn("ends_at", "timestamp with time zone");
        accounts.AddColumn("created_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        yield return accounts;

        var leases = new Table($"{schema}.{LeasesTable}");
        leases.AddColumn<string>("account").AsPrimaryKey();
        leases.AddColumn<Guid>("node").AsPrimaryKey();
        leases.AddColumn("amount", "numeric").NotNull();
        leases.AddColumn("expires_at", "timestamp with time zone").NotNull();
        yield return leases;
    }

    /// <summary>
    /// Holds <paramref name="amount"/> on this node's lease of every hard budget, or on none. A lease too small is
    /// topped up first (the call waits for that one transaction); refused when the budget has no headroom left for it.
    /// </summary>
    public async ValueTask<SharedReservation> ReserveAsync(IReadOnlyList<BudgetLimit> limits, decimal amount)
    {
        if (Away)
            return SharedReservation.NotHeld;
        for (var attempt = 0; ; attempt++)
        {
            var shortLease = TryHold(limits, amount);
            if (shortLease is null)
                return SharedReservation.Held;
            // A burst may use up a fresh grant before this call gets to it: ask again, a few times.
            if (attempt == 5)
                return Refused(shortLease.Value);
            var (limit, lease) = shortLease.Value;
            if (await GrantAsync(limit, lease, amount) is not { } granted)
                return SharedReservation.NotHeld;
            if (!granted)
                return Refused(shortLease.Value);
        }
    }

    SharedReservation Refused((BudgetLimit Limit, Lease Lease) refusing)
    {
        var spent = refusing.Lease.Charged;
        ledger.RefusedElsewhere(refusing.Limit, spent);
        return new SharedReservation(false, new BudgetRefusal(refusing.Limit.Scope, spent, refusing.Limit.MaxBudget!.Value));
    }

    /// <summary>Holds on every lease, or gives back what it took and names the first that was short.</summary>
    (BudgetLimit, Lease)? TryHold(IReadOnlyList<BudgetLimit> limits, decimal amount)
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            if (limit.MaxBudget is null)
                continue;
            var lease = LeaseOf(limit);
            lock (lease)
            {
                lease.LargestCall = Math.Max(lease.LargestCall, amount);
                // Never past its renewal's lifetime (less a margin): by then another node may have taken it.
                if (Stopwatch.GetElapsedTime(lease.RenewedAt, now) < UsableFor && lease.Used + amount <= lease.Leased)
                {
                    lease.Used += amount;
                    lease.LastUse = now;
                    if (!lease.Tight && lease.Leased - lease.Used < lease.LastGrant / 4)
                        Refill(limit, lease);
                    continue;
                }
            }
            for (var j = 0; j < i; j++)
            {
                if (limits[j].MaxBudget is null)
                    continue;
                var taken = LeaseOf(limits[j]);
                lock (taken)
                    taken.Used -= amount;
            }
            return (limit, lease);
        }
        return null;
    }

    /// <summary>This node's lease of a budget in its current window (a new window is a new account).</summary>
    Lease LeaseOf(in BudgetLimit limit) =>
        _leases.GetOrAdd((limit.Scope, limit.Window?.Start), static (_, limit) => new Lease(RedisBudgets.Account(limit), limit.Window?.End), limit);

    /// <summary>Tops a lease up in the background before calls run out of it.</summary>
    void Refill(BudgetLimit limit, Lease lease)
    {
        if (lease.Refilling)
            return;
        lease.Refilling = true;
        using (ExecutionContext.SuppressFlow())
            _ = Task.Run(async () =>
            {
                try { await GrantAsync(limit, lease, 0m); }
                finally { lock (lease) lease.Refilling = false; }
            });
    }

    /// <summary>
    /// Ends a call that held <paramref name="held"/> (zero: it held nothing here) and cost <paramref name="cost"/>: the
    /// cost stays on the lease until the event writer charges it to the account.
    /// </summary>
    public void Settle(Guid requestId, IReadOnlyList<BudgetLimit> limits, decimal held, decimal cost)
    {
        var hard = 0;
        for (var i = 0; i < limits.Count; i++)
            if (limits[i].MaxBudget is not null)
                hard++;
        var accounts = new Lease[hard];
        var k = 0;
        foreach (var limit in limits)
        {
            if (limit.MaxBudget is null)
                continue;
            var lease = accounts[k++] = LeaseOf(limit);
            if (held > 0m)
            {
                bool handBack;
                lock (lease)
                {
                    lease.Used += cost - held;
                    handBack = lease.Tight && lease.Leased > lease.Used && !lease.HandingBack;
                    lease.HandingBack |= handBack;
                }
                if (handBack)
                    HandBack(lease);
            }
        }
        if (cost > 0m)
            _uncharged[requestId] = new Charge(accounts, cost, held > 0m);
    }

    /// <summary>
    /// Near the limit a lease is only what the calls in flight need: what a call did not use goes back at once (in the
    /// background), for whichever node's call comes next.
    /// </summary>
    void HandBack(Lease lease)
    {
        using (ExecutionContext.SuppressFlow())
            _ = Task.Run(async () =>
            {
                // Given up here first, so no call counts on it while the database is told.
                decimal surplus;
                lock (lease)
                {
                    surplus = Math.Max(0m, lease.Leased - lease.Used);
                    lease.Leased -= surplus;
                }
                try
                {
                    if (surplus > 0m)
                    {
                        await using var connection = store.Storage.Database.CreateConnection();
                        await connection.OpenAsync(_stopping.Token);
                        await using var command = new NpgsqlCommand(
                            $"update {_schema}.{LeasesTable} set amount = greatest(amount - $3, 0) where account = $1 and node = $2", connection);
                        command.Parameters.Add(new NpgsqlParameter { Value = lease.Account });
                        command.Parameters.Add(new NpgsqlParameter { Value = node.Id });
                        command.Parameters.Add(new NpgsqlParameter { Value = surplus });
                        await command.ExecuteNonQueryAsync(_stopping.Token);
                    }
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    // The database keeps it until the lease goes idle or expires: headroom unused, never overspent.
                    WentAway(ex);
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    lock (lease)
                        lease.HandingBack = false;
                }
            });
    }

    /// <summary>
    /// The event writer is about to append <paramref name="batch"/>: charges its calls' costs to their accounts and takes
    /// them off this node's leases, in one transaction, first. Charges that fail (the database away) wait for the next batch.
    /// </summary>
    public async Task ChargeAsync(IReadOnlyList<PendingEvent> batch, CancellationToken ct)
    {
        var charges = new List<KeyValuePair<Guid, Charge>>();
        foreach (var item in batch)
            if (_uncharged.TryRemove(item.StreamId, out var charge))
                charges.Add(new(item.StreamId, charge));
        if (!_leftovers.IsEmpty)
            while (_leftovers.TryDequeue(out var leftover))
                charges.Add(leftover);
        if (charges.Count == 0)
            return;
        // The database away: do not hold the writer up (its own appends will wait for the database).
        if (Away)
        {
            foreach (var charge in charges)
                _leftovers.Enqueue(charge);
            return;
        }

        var spent = new Dictionary<Lease, (decimal All, decimal Leased)>();
        foreach (var (_, charge) in charges)
            foreach (var account in charge.Accounts)
            {
                var (all, leased) = spent.GetValueOrDefault(account);
                spent[account] = (all + charge.Cost, leased + (charge.Leased ? charge.Cost : 0m));
            }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ChargeTimeout);
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(timeout.Token);
            await using var batchCommand = new NpgsqlBatch(connection);
            // In one order on every node, so two nodes charging the same accounts cannot deadlock.
            var leases = spent.Keys.OrderBy(l => l.Account, StringComparer.Ordinal).ToArray();
            var names = leases.Select(l => l.Account).ToArray();
            batchCommand.BatchCommands.Add(Command(
                $"select account from {_schema}.{AccountsTable} where account = any($1) order by account for update", [names]));
            batchCommand.BatchCommands.Add(Command(
                $"update {_schema}.{AccountsTable} a set spent = a.spent + d.delta from unnest($1::text[], $2::numeric[]) as d(account, delta) where a.account = d.account",
                names, leases.Select(l => spent[l].All).ToArray()));
            batchCommand.BatchCommands.Add(Command(
                $"update {_schema}.{LeasesTable} l set amount = greatest(l.amount - d.delta, 0) from unnest($1::text[], $2::numeric[]) as d(account, delta) where l.account = d.account and l.node = $3",
                names, leases.Select(l => spent[l].Leased).ToArray(), node.Id));
            await batchCommand.ExecuteNonQueryAsync(timeout.Token);
            foreach (var (lease, (_, leased)) in spent)
                if (leased > 0m)
                    lock (lease)
                    {
                        lease.Used = Math.Max(0m, lease.Used - leased);
                        lease.Leased = Math.Max(0m, lease.Leased - leased);
                        lease.Charged += leased;
                    }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            foreach (var charge in charges)
                _leftovers.Enqueue(charge);
            WentAway(ex);
        }
    }

    readonly ConcurrentQueue<KeyValuePair<Guid, Charge>> _leftovers = new();

    static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return command;
    }

    /// <summary>
    /// One transaction: creates the account if it is new (from this node's ledger, which holds what the store recorded),
    /// drops expired leases, and grants this node a share of what the others leave, at least what the call is short.
    /// Null when the database could not be reached.
    /// </summary>
    async Task<bool?> GrantAsync(BudgetLimit limit, Lease lease, decimal amount)
    {
        var account = lease.Account;
        var max = limit.MaxBudget!.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(GrantTimeout);
        var ct = timeout.Token;
        try
        {
            await lease.Granting.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        var renewing = Stopwatch.GetTimestamp();
        try
        {
            // Another call's grant may have made room while this one waited.
            lock (lease)
                if (amount > 0m && Stopwatch.GetElapsedTime(lease.RenewedAt, renewing) < UsableFor && lease.Used + amount <= lease.Leased)
                    return true;
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var create = new NpgsqlCommand($"insert into {_schema}.{AccountsTable} (account, spent, ends_at) values ($1, $2, $3) on conflict do nothing", connection, transaction))
            {
                create.Parameters.Add(new NpgsqlParameter { Value = account });
                create.Parameters.Add(new NpgsqlParameter { Value = ledger.Spent(limit.Scope) });
                create.Parameters.Add(new NpgsqlParameter { Value = (object?)lease.EndsAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                await create.ExecuteNonQueryAsync(ct);
            }
            decimal spent;
            await using (var read = new NpgsqlCommand($"select spent from {_schema}.{AccountsTable} where account = $1 for update", connection, transaction))
            {
                read.Parameters.Add(new NpgsqlParameter { Value = account });
                spent = (decimal)(await read.ExecuteScalarAsync(ct))!;
            }
            // This node's live lease, if it has one (the account's row lock keeps charges off it until the commit).
            decimal? live;
            await using (var own = new NpgsqlCommand($"select amount from {_schema}.{LeasesTable} where account = $1 and node = $2 and expires_at >= now()", connection, transaction))
            {
                own.Parameters.Add(new NpgsqlParameter { Value = account });
                own.Parameters.Add(new NpgsqlParameter { Value = node.Id });
                live = (decimal?)await own.ExecuteScalarAsync(ct);
            }
            decimal others, mine;
            long otherNodes;
            await using (var expired = new NpgsqlCommand($"delete from {_schema}.{LeasesTable} where account = $1 and expires_at < now()", connection, transaction))
            {
                expired.Parameters.Add(new NpgsqlParameter { Value = account });
                await expired.ExecuteNonQueryAsync(ct);
            }
            await using (var sum = new NpgsqlCommand(
                $"""
                select coalesce(sum(amount) filter (where node <> $2), 0), coalesce(sum(amount) filter (where node = $2), 0),
                       count(*) filter (where node <> $2 and amount > 0)
                from {_schema}.{LeasesTable} where account = $1
                """, connection, transaction))
            {
                sum.Parameters.Add(new NpgsqlParameter { Value = account });
                sum.Parameters.Add(new NpgsqlParameter { Value = node.Id });
                await using var reader = await sum.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                (others, mine, otherNodes) = (reader.GetDecimal(0), reader.GetDecimal(1), reader.GetInt64(2));
            }

            decimal used, largestCall;
            lock (lease)
                (used, largestCall) = (lease.Used, lease.LargestCall);
            var headroom = Math.Max(0m, max - spent - others - mine);
            var shortBy = Math.Max(0m, used + amount - mine);
            // What the call is short plus a share of what is left, never all of it: a node that arrives later must find
            // some, and an idle lease takes a while to come back. Near the limit (room
            // for only a few calls) just what the call is short, handed back as soon as the call ends, so no node sits
            // on headroom another node's call needs.
            var tight = headroom < TightCalls * Math.Max(shortBy, largestCall);
            var extra = Math.Min(headroom, tight ? shortBy : shortBy + headroom / (otherNodes + 2));
            await using (var grant = new NpgsqlCommand(
                $"""
                insert into {_schema}.{LeasesTable} (account, node, amount, expires_at) values ($1, $2, $3, now() + $4)
                on conflict (account, node) do update set amount = {LeasesTable}.amount + excluded.amount, expires_at = excluded.expires_at
                """, connection, transaction))
            {
                grant.Parameters.Add(new NpgsqlParameter { Value = account });
                grant.Parameters.Add(new NpgsqlParameter { Value = node.Id });
                grant.Parameters.Add(new NpgsqlParameter { Value = extra });
                grant.Parameters.Add(new NpgsqlParameter { Value = Lifetime, NpgsqlDbType = NpgsqlDbType.Interval });
                await grant.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);

            lock (lease)
            {
                // Charges committed before this grant may not have reached the lease in memory yet; they will take
                // their part off. A lease that had expired starts again from what was granted now.
                lease.Leased = live is null ? extra : lease.Leased + extra;
                lease.LastGrant = extra;
                lease.Idle = false;
                lease.Tight = tight;
                lease.Charged = spent;
                lease.LastUse = Stopwatch.GetTimestamp();
                lease.RenewedAt = renewing;
            }
            Reached();
            return extra >= shortBy;
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            WentAway(ex);
            return null;
        }
        finally
        {
            lease.Granting.Release();
        }
    }

    /// <summary>The database answered: if it had been away, say it is back.</summary>
    void Reached()
    {
        if (Interlocked.Exchange(ref _awayLogged, 0) == 1)
            LogBack(logger);
    }

    bool Away => Stopwatch.GetTimestamp() < Interlocked.Read(ref _awayUntil);

    void WentAway(Exception ex)
    {
        Interlocked.Exchange(ref _awayUntil, Stopwatch.GetTimestamp() + (long)(AwayPause.TotalSeconds * Stopwatch.Frequency));
        if (Interlocked.Exchange(ref _awayLogged, 1) == 0)
            LogAway(logger, ex.GetType().Name, ex.Message);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RenewAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Gives this node's leases back, so the others need not wait for them to expire.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"delete from {_schema}.{LeasesTable} where node = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = node.Id });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // They expire by themselves.
        }
    }

    /// <summary>Renews this node's leases, and hands back the ones no call has used for a while.</summary>
    async Task RenewAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Beat, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (_leases.IsEmpty)
                continue;
            var started = Stopwatch.GetTimestamp();
            var idle = new List<Lease>();
            try
            {
                // An idle lease is given up here first (no call may count on it), and no grant may run on it meanwhile.
                foreach (var (_, lease) in _leases)
                {
                    if (!lease.Granting.Wait(0))
                        continue;
                    var giveUp = false;
                    lock (lease)
                        if (lease.Used == 0m && !lease.Idle && Stopwatch.GetElapsedTime(lease.LastUse) > IdleAfter)
                        {
                            giveUp = lease.Idle = true;
                            lease.Leased = 0m;
                            lease.LastGrant = 0m;
                        }
                    if (giveUp)
                        idle.Add(lease);
                    else
                        lease.Granting.Release();
                }
                await using var connection = store.Storage.Database.CreateConnection();
                await connection.OpenAsync(ct);
                if (idle.Count > 0)
                {
                    await using var handBack = new NpgsqlCommand($"delete from {_schema}.{LeasesTable} where node = $1 and account = any($2)", connection);
                    handBack.Parameters.Add(new NpgsqlParameter { Value = node.Id });
                    handBack.Parameters.Add(new NpgsqlParameter { Value = idle.Select(l => l.Account).ToArray() });
                    await handBack.ExecuteNonQueryAsync(ct);
                }
                ReleaseAll(idle);
                var renewed = new HashSet<string>(StringComparer.Ordinal);
                await using (var renew = new NpgsqlCommand($"update {_schema}.{LeasesTable} set expires_at = now() + $2 where node = $1 returning account", connection))
                {
                    renew.Parameters.Add(new NpgsqlParameter { Value = node.Id });
                    renew.Parameters.Add(new NpgsqlParameter { Value = Lifetime, NpgsqlDbType = NpgsqlDbType.Interval });
                    await using var reader = await renew.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                        renewed.Add(reader.GetString(0));
                }
                foreach (var (key, lease) in _leases)
                {
                    bool over;
                    lock (lease)
                    {
                        // Renewed from when the statement was sent: the database's clock ran from then at the latest.
                        if (renewed.Contains(lease.Account))
                            lease.RenewedAt = Math.Max(lease.RenewedAt, started);
                        // Not there, and not granted since: it expired (renewals failed too long) and may be the others' now.
                        else if (lease.RenewedAt < started)
                            lease.Leased = 0m;
                        over = lease.EndsAt is { } ends && ends < time.GetUtcNow() && lease.Used == 0m;
                    }
                    // A window that is over: its lease is forgotten here (the account row goes a day later).
                    if (over)
                        _leases.TryRemove(new KeyValuePair<(BudgetScope, DateTimeOffset?), Lease>(key, lease));
                }
                if (Stopwatch.GetElapsedTime(_sweptAt) > SweepEvery)
                {
                    await using var sweep = new NpgsqlCommand($"delete from {_schema}.{AccountsTable} where ends_at < now() - interval '1 day'", connection);
                    await sweep.ExecuteNonQueryAsync(ct);
                    _sweptAt = Stopwatch.GetTimestamp();
                }
                Reached();
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                WentAway(ex);
            }
            finally
            {
                ReleaseAll(idle);
            }
        }
    }

    static void ReleaseAll(List<Lease> leases)
    {
        foreach (var lease in leases)
            lease.Granting.Release();
        leases.Clear();
    }

    /// <summary>This node's lease of one account, as it knows it; guarded by its own lock.</summary>
    sealed class Lease(string account, DateTimeOffset? endsAt)
    {
        /// <summary>The budget and window, as the tables name it.</summary>
        public string Account { get; } = account;

        /// <summary>When the window ends (none: a lifetime budget).</summary>
        public DateTimeOffset? EndsAt { get; } = endsAt;

        /// <summary>The headroom this node holds in the database.</summary>
        public decimal Leased;

        /// <summary>Held by calls in flight plus settled costs not yet charged.</summary>
        public decimal Used;

        public decimal LastGrant;

        /// <summary>The account's charged spend when last read (for a refusal's message).</summary>
        public decimal Charged;
        public long LastUse;

        /// <summary>When its last renewal (or grant) began, by the stopwatch.</summary>
        public long RenewedAt;
        public bool Refilling;

        /// <summary>Near the limit: granted only what calls needed, and handed back when they end.</summary>
        public bool Tight;

        /// <summary>Handed back for want of calls; a grant takes it up again.</summary>
        public bool Idle;

        /// <summary>One grant at a time per lease (calls short together share the next one).</summary>
        public SemaphoreSlim Granting { get; } = new(1, 1);
        public bool HandingBack;
        public decimal LargestCall;
    }

    sealed record Charge(Lease[] Accounts, decimal Cost, bool Leased);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Budget leases cannot reach the database ({Error}: {Message}); until they can, hard budgets count this node's calls (and what it hears of the others') only")]
    static partial void LogAway(ILogger logger, string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget leases reach the database again; hard budgets are shared across the gateways again")]
    static partial void LogBack(ILogger logger);
}
