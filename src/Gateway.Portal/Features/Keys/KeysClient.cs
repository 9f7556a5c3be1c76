using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;
using Marten;
using Marten.Pagination;

namespace Gateway.Portal.Features.Keys;

/// <summary>
/// <see cref="IKeysClient"/> on the gateway's Marten store. A session per call: a Blazor circuit lives for hours and
/// must not hold a connection or an identity map. Changes are appended as the domain decides them; the gateway's
/// session listener then refreshes its in-memory keys, so a change applies to the very next API call.
/// </summary>
public sealed class KeysClient(IDocumentStore store, PortalOptions options, TimeProvider time) : IKeysClient
{
    public async Task<KeyPage> ListAsync(SignedInUser who, KeyListQuery query, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now || FormText.MatchesNothingStored(query.Search))
            return new KeyPage([], 0);
        who = now;
        IQueryable<VirtualKey> keys = session.Query<VirtualKey>().Where(k => !k.Revoked);
        if (!who.IsAdmin)
        {
            var teams = who.TeamIds.ToArray();
            keys = keys.Where(k => k.TeamId != null && teams.Contains(k.TeamId));
        }
        if (FormText.OrNone(query.Search) is { } search)
        {
            keys = keys.Where(k =>
                k.KeyAlias!.Contains(search, StringComparison.OrdinalIgnoreCase)
                || k.KeyName.Contains(search, StringComparison.OrdinalIgnoreCase)
                || k.TeamId!.Contains(search, StringComparison.OrdinalIgnoreCase)
                || k.UserId!.Contains(search, StringComparison.OrdinalIgnoreCase));
        }
        keys = Sorted(keys, query.SortBy, query.Descending);

        var page = await keys.ToPagedListAsync(query.Page + 1, Math.Clamp(query.PageSize, 1, 100), ct);
        var spend = await SpendByHashAsync(session, page.SelectMany(k => (IEnumerable<string>)[k.KeyHash, .. k.RetiredKeyHashes]), ct);
        var rows = page.Select(k => new KeyRow(k, SpendOf(k, spend))).ToList();
        return new KeyPage(rows, (int)page.TotalItemCount);
    }

    public async Task<PortalResult<KeyDetails>> DetailsAsync(SignedInUser who, Guid keyId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return PortalResult<KeyDetails>.Forbidden(PortalRights.NoLongerAllowed);
        var key = await session.LoadAsync<VirtualKey>(keyId, ct);
        if (KeyAccess.MayManage(now, key) is { } refusal)
            return PortalResult<KeyDetails>.Refused(refusal);

        var spend = await SpendSummaryAsync(session, key!, ct);
        var history = await KeyHistory.ReadAsync(session, keyId, options.MasterKeyHash, ct);
        return PortalResult<KeyDetails>.Ok(new KeyDetails(new KeyRow(key!, spend.Lifetime), spend, history));
    }

    public async Task<IReadOnlyList<string>> AssignableTeamsAsync(SignedInUser who, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return [];
        if (!now.IsAdmin)
            return [.. now.TeamIds.Order(StringComparer.Ordinal)];
        var teams = await session.Query<Team>().Where(t => !t.Deleted).OrderBy(t => t.TeamId).Select(t => t.TeamId).ToListAsync(ct);
        return [.. teams];
    }

    public async Task<PortalResult<IssuedKey>> IssueAsync(SignedInUser who, KeySettings settings, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return PortalResult<IssuedKey>.Forbidden(PortalRights.NoLongerAllowed);
        var teamId = FormText.OrNone(settings.TeamId);
        if (KeyAccess.MayAssign(now, teamId) is { } refusal)
            return PortalResult<IssuedKey>.Refused(refusal);

        var alias = FormText.OrNone(settings.Alias);
        // A name the store cannot hold is not looked up (PostgreSQL would fail the query); the decision refuses it.
        if (alias is not null && StorableText.NameProblem(alias) is null
            && await session.Query<VirtualKey>().AnyAsync(k => k.KeyAlias == alias && !k.Revoked, ct))
            return PortalResult<IssuedKey>.Refused(RejectionKind.Conflict, $"Another key is already called '{alias}'.", "key_alias");

        var plaintext = KeyPlaintext.Generate();
        var id = Guid.CreateVersion7();
        var decision = IssueKey.Decide(new IssueKey(id, KeyPlaintext.Hash(plaintext), KeyPlaintext.Name(plaintext), who.By)
        {
            KeyAlias = alias,
            Duration = FormText.OrNone(settings.Duration),
            Models = settings.ModelList,
            MaxBudget = settings.MaxBudget,
            SoftBudget = settings.SoftBudget,
            BudgetDuration = FormText.OrNone(settings.BudgetDuration),
            TpmLimit = settings.TpmLimit,
            RpmLimit = settings.RpmLimit,
            MaxParallelRequests = settings.MaxParallelRequests,
            TeamId = teamId,
            UserId = FormText.OrNone(settings.UserId),
        }, time.GetUtcNow());
        if (decision.Rejection is { } rejected)
            return PortalResult<IssuedKey>.Refused(rejected);

        session.Events.StartStream<VirtualKey>(id, [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return PortalResult<IssuedKey>.Ok(new IssuedKey(id, plaintext, KeyPlaintext.Name(plaintext)));
    }

    public async Task<PortalResult<KeyRow>> UpdateAsync(SignedInUser who, Guid keyId, KeySettings settings, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return PortalResult<KeyRow>.Forbidden(PortalRights.NoLongerAllowed);
        var key = await session.LoadAsync<VirtualKey>(keyId, ct);
        var teamId = FormText.OrNone(settings.TeamId);
        if ((KeyAccess.MayManage(now, key) ?? KeyAccess.MayAssign(now, teamId)) is { } refusal)
            return PortalResult<KeyRow>.Refused(refusal);

        var alias = FormText.OrNone(settings.Alias);
        if (alias is not null && alias != key!.KeyAlias && StorableText.NameProblem(alias) is null
            && await session.Query<VirtualKey>().AnyAsync(k => k.KeyAlias == alias && !k.Revoked && k.Id != keyId, ct))
            return PortalResult<KeyRow>.Refused(RejectionKind.Conflict, $"Another key is already called '{alias}'.", "key_alias");

        // Every field the dialog shows is sent; the decision records only those that differ.
        var command = new UpdateKey(keyId, who.By)
        {
            KeyAlias = Change.To(alias),
            Models = Change.To<IReadOnlyList<string>?>(settings.ModelList),
            MaxBudget = Change.To(settings.MaxBudget),
            SoftBudget = Change.To(settings.SoftBudget),
            BudgetDuration = Change.To(FormText.OrNone(settings.BudgetDuration)),
            TpmLimit = Change.To(settings.TpmLimit),
            RpmLimit = Change.To(settings.RpmLimit),
            MaxParallelRequests = Change.To(settings.MaxParallelRequests),
            TeamId = Change.To(teamId),
            UserId = Change.To(FormText.OrNone(settings.UserId)),
        };
        if (FormText.OrNone(settings.Duration) is { } duration)
            command = command with { Duration = Change.To<string?>(duration) };
        return await CommitAsync(session, key!, UpdateKey.Decide(command, key, time.GetUtcNow()), ct);
    }

    public Task<PortalResult<KeyRow>> BlockAsync(SignedInUser who, Guid keyId, CancellationToken ct) =>
        DecideAsync(who, keyId, key => BlockKey.Decide(new BlockKey(keyId, who.By), key, time.GetUtcNow()), ct);

    public Task<PortalResult<KeyRow>> UnblockAsync(SignedInUser who, Guid keyId, CancellationToken ct) =>
        DecideAsync(who, keyId, key => UnblockKey.Decide(new UnblockKey(keyId, who.By), key, time.GetUtcNow()), ct);

    public Task<PortalResult<KeyRow>> RevokeAsync(SignedInUser who, Guid keyId, CancellationToken ct) =>
        DecideAsync(who, keyId, key => RevokeKey.Decide(new RevokeKey(keyId, who.By), key, time.GetUtcNow()), ct);

    public async Task<PortalResult<IssuedKey>> RegenerateAsync(SignedInUser who, Guid keyId, CancellationToken ct)
    {
        var plaintext = KeyPlaintext.Generate();
        var name = KeyPlaintext.Name(plaintext);
        var regenerated = await DecideAsync(who, keyId,
            key => RegenerateKey.Decide(new RegenerateKey(keyId, KeyPlaintext.Hash(plaintext), name, who.By), key, time.GetUtcNow()), ct);
        return regenerated.Succeeded
            ? PortalResult<IssuedKey>.Ok(new IssuedKey(keyId, plaintext, name))
            : PortalResult<IssuedKey>.Refused(regenerated.Refusal!);
    }

    async Task<PortalResult<KeyRow>> DecideAsync(SignedInUser who, Guid keyId, Func<VirtualKey, Decision> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return PortalResult<KeyRow>.Forbidden(PortalRights.NoLongerAllowed);
        var key = await session.LoadAsync<VirtualKey>(keyId, ct);
        if (KeyAccess.MayManage(now, key) is { } refusal)
            return PortalResult<KeyRow>.Refused(refusal);
        return await CommitAsync(session, key!, decide(key!), ct);
    }

    static async Task<PortalResult<KeyRow>> CommitAsync(IDocumentSession session, VirtualKey key, Decision decision, CancellationToken ct)
    {
        if (decision.Rejection is { } rejected)
            return PortalResult<KeyRow>.Refused(rejected);
        if (decision.Events.Count > 0)
        {
            session.Events.Append(key.Id, [.. decision.Events]);
            await session.SaveChangesAsync(ct);
        }
        var after = await session.LoadAsync<VirtualKey>(key.Id, ct) ?? key;
        return PortalResult<KeyRow>.Ok(new KeyRow(after, 0));
    }

    static IQueryable<VirtualKey> Sorted(IQueryable<VirtualKey> keys, string? sortBy, bool descending) => (sortBy, descending) switch
    {
        (nameof(KeyRow.Alias), false) => keys.OrderBy(k => k.KeyAlias),
        (nameof(KeyRow.Alias), true) => keys.OrderByDescending(k => k.KeyAlias),
        (nameof(KeyRow.Name), false) => keys.OrderBy(k => k.KeyName),
        (nameof(KeyRow.Name), true) => keys.OrderByDescending(k => k.KeyName),
        (nameof(KeyRow.TeamId), false) => keys.OrderBy(k => k.TeamId),
        (nameof(KeyRow.TeamId), true) => keys.OrderByDescending(k => k.TeamId),
        (nameof(KeyRow.UserId), false) => keys.OrderBy(k => k.UserId),
        (nameof(KeyRow.UserId), true) => keys.OrderByDescending(k => k.UserId),
        (nameof(KeyRow.MaxBudget), false) => keys.OrderBy(k => k.MaxBudget),
        (nameof(KeyRow.MaxBudget), true) => keys.OrderByDescending(k => k.MaxBudget),
        (nameof(KeyRow.ExpiresAt), false) => keys.OrderBy(k => k.ExpiresAt),
        (nameof(KeyRow.ExpiresAt), true) => keys.OrderByDescending(k => k.ExpiresAt),
        (nameof(KeyRow.IssuedAt), false) => keys.OrderBy(k => k.IssuedAt),
        _ => keys.OrderByDescending(k => k.IssuedAt),
    };

    static async Task<IReadOnlyDictionary<string, KeySpend>> SpendByHashAsync(IQuerySession session, IEnumerable<string> hashes, CancellationToken ct)
    {
        var ids = hashes.Distinct().ToArray();
        if (ids.Length == 0)
            return new Dictionary<string, KeySpend>();
        var rollups = await session.LoadManyAsync<KeySpend>(ct, ids);
        return rollups.ToDictionary(r => r.Id);
    }

    static decimal SpendOf(VirtualKey key, IReadOnlyDictionary<string, KeySpend> spend) =>
        ((IEnumerable<string>)[key.KeyHash, .. key.RetiredKeyHashes]).Sum(hash => spend.TryGetValue(hash, out var s) ? s.Spend : 0m);

    async Task<KeySpendSummary> SpendSummaryAsync(IQuerySession session, VirtualKey key, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        SpendFilter Since(DateTimeOffset since) =>
            new(key.KeyHash, null, null, null, null, since, EarlierKeyHashes: key.RetiredKeyHashes);

        var lifetime = await SpendSince.SumAsync(session, Since(DateTimeOffset.UnixEpoch), ct);
        var window = key.CurrentBudgetWindow(now);
        decimal? inWindow = window is { } w ? await SpendSince.SumAsync(session, Since(w.Start), ct) : null;

        string[] hashes = [key.KeyHash, .. key.RetiredKeyHashes];
        var rollups = await session.LoadManyAsync<KeySpend>(ct, hashes);
        var perModel = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var rollup in rollups)
            foreach (var (model, amount) in rollup.ModelSpend)
                perModel[model] = perModel.GetValueOrDefault(model) + amount;

        var from = DailySpend.DayOf(now).AddDays(-29);
        var rows = await session.Query<DailySpend>().Where(d => hashes.Contains(d.KeyHash) && d.Date >= from).ToListAsync(ct);
        var days = rows.GroupBy(d => d.Date).OrderBy(g => g.Key)
            .Select(g => new DaySpend(g.Key, g.Sum(d => d.Spend), g.Sum(d => d.ApiRequests))).ToList();

        return new KeySpendSummary(lifetime, inWindow, window, rollups.Sum(r => r.Requests), perModel, days);
    }
}
