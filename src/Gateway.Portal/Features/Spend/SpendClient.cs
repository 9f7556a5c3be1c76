using Gateway.Domain.Budgets;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;
using Marten;

namespace Gateway.Portal.Features.Spend;

/// <summary><see cref="ISpendClient"/> on the gateway's read models: the request log, the daily rollup and the budget events.</summary>
public sealed class SpendClient(IDocumentStore store, TimeProvider time) : ISpendClient
{
    const int TopCount = 5;
    const int AlertCount = 10;

    public async Task<SpendOverview> OverviewAsync(SignedInUser who, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } rights)
            return new SpendOverview(0, 0, [], [], [], []);
        who = rights;
        var now = time.GetUtcNow();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);

        var teams = await VisibleTeamsAsync(session, who, ct);
        var teamUse = new List<TeamBudgetUse>(teams.Count);
        foreach (var team in teams)
        {
            var window = team.CurrentBudgetWindow(now);
            var spent = await SpendSince.SumAsync(session, Filter(team.TeamId, window?.Start ?? DateTimeOffset.UnixEpoch), ct);
            teamUse.Add(new TeamBudgetUse(team.TeamId, team.Alias, spent, team.MaxBudget, team.BudgetDuration, window?.End));
        }

        var month = await DaysAsync(session, who, DailySpend.DayOf(monthStart), DailySpend.DayOf(now), ct);
        var keyNames = await KeyNamesAsync(session, month.Select(d => d.KeyHash), ct);
        return new SpendOverview(
            await SumAsync(session, who, today, ct),
            await SumAsync(session, who, monthStart, ct),
            [.. teamUse.OrderByDescending(t => t.Percent ?? -1).ThenByDescending(t => t.Spend)],
            Top(month, d => d.ModelGroup),
            Top(month, d => keyNames.GetValueOrDefault(d.KeyHash) ?? ShortHash(d.KeyHash)),
            await RecentlyExceededAsync(session, who, ct));
    }

    public async Task<UsageReport> UsageAsync(SignedInUser who, DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (to < from)
            (from, to) = (to, from);
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } rights)
            return UsageReport.Empty(from, to);
        who = rights;
        var rows = await DaysAsync(session, who, from, to, ct);
        var keyNames = await KeyNamesAsync(session, rows.Select(d => d.KeyHash), ct);
        string Model(DailySpend d) => d.ModelGroup.Length == 0 ? UsageNames.NoModel : d.ModelGroup;
        string Key(DailySpend d) => d.KeyHash.Length == 0 ? UsageNames.NoKey : keyNames.GetValueOrDefault(d.KeyHash) ?? ShortHash(d.KeyHash);
        string Team(DailySpend d) => d.TeamId ?? UsageNames.NoTeam;

        var days = new List<UsageDay>();
        var byDay = rows.GroupBy(d => d.Date).ToDictionary(g => g.Key, g => g.ToList());
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var ofDay = byDay.GetValueOrDefault(day) ?? [];
            days.Add(new UsageDay(day, Amounts(ofDay, Model), Amounts(ofDay, Key), Amounts(ofDay, Team)));
        }

        var byKey = rows.GroupBy(Key)
            .Select(g => Row(g.Key, g.Select(d => d.TeamId).FirstOrDefault(t => t is not null), g))
            .OrderByDescending(r => r.Spend).ToList();
        var byModel = rows.GroupBy(Model).Select(g => Row(g.Key, null, g)).OrderByDescending(r => r.Spend).ToList();
        var byTeam = rows.GroupBy(Team).Select(g => Row(g.Key, null, g)).OrderByDescending(r => r.Spend).ToList();
        return new UsageReport(from, to, rows.Sum(d => d.Spend), rows.Sum(d => d.ApiRequests), days, byKey, byModel, byTeam);
    }

    static Dictionary<string, UsageAmount> Amounts(IEnumerable<DailySpend> rows, Func<DailySpend, string> name)
    {
        var amounts = new Dictionary<string, UsageAmount>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var key = name(row);
            amounts[key] = amounts.GetValueOrDefault(key, UsageAmount.None).Add(new UsageAmount(row.Spend, row.ApiRequests, row.PromptTokens, row.CompletionTokens));
        }
        return amounts;
    }

    static UsageRow Row(string name, string? team, IEnumerable<DailySpend> rows)
    {
        var list = rows as IReadOnlyCollection<DailySpend> ?? [.. rows];
        return new UsageRow(name, team, list.Sum(d => d.Spend), list.Sum(d => d.ApiRequests), list.Sum(d => d.PromptTokens), list.Sum(d => d.CompletionTokens));
    }

    static async Task<IReadOnlyList<Team>> VisibleTeamsAsync(IQuerySession session, SignedInUser who, CancellationToken ct)
    {
        var teams = await session.Query<Team>().Where(t => !t.Deleted).OrderBy(t => t.TeamId).ToListAsync(ct);
        return [.. teams.Where(t => who.MayManageTeam(t.TeamId))];
    }

    static async Task<decimal> SumAsync(IQuerySession session, SignedInUser who, DateTimeOffset since, CancellationToken ct)
    {
        if (who.IsAdmin)
            return await SpendSince.SumAsync(session, Filter(null, since), ct);
        var total = 0m;
        foreach (var team in who.TeamIds)
            total += await SpendSince.SumAsync(session, Filter(team, since), ct);
        return total;
    }

    static SpendFilter Filter(string? teamId, DateTimeOffset since) => new(null, teamId, null, null, null, since);

    static async Task<IReadOnlyList<DailySpend>> DaysAsync(IQuerySession session, SignedInUser who, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = session.Query<DailySpend>().Where(d => d.Date >= from && d.Date <= to);
        if (!who.IsAdmin)
        {
            var teams = who.TeamIds.ToArray();
            days = days.Where(d => d.TeamId != null && teams.Contains(d.TeamId));
        }
        return await days.ToListAsync(ct);
    }

    static IReadOnlyList<SpendShare> Top(IEnumerable<DailySpend> rows, Func<DailySpend, string> name) =>
        [.. rows.GroupBy(name)
            .Select(g => new SpendShare(g.Key, g.Sum(d => d.Spend), g.Sum(d => d.ApiRequests)))
            .Where(s => s.Spend > 0 || s.Requests > 0)
            .OrderByDescending(s => s.Spend).ThenByDescending(s => s.Requests)
            .Take(TopCount)];

    /// <summary>Keys by any hash they have had (current or before regeneration), named by alias or "sk-...abcd".</summary>
    static async Task<IReadOnlyDictionary<string, string>> KeyNamesAsync(IQuerySession session, IEnumerable<string> hashes, CancellationToken ct)
    {
        var wanted = hashes.Where(h => h.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
            return new Dictionary<string, string>();
        var array = wanted.ToArray();
        var keys = await session.Query<VirtualKey>().Where(k => array.Contains(k.KeyHash)).ToListAsync(ct);
        var names = keys.ToDictionary(k => k.KeyHash, k => k.KeyAlias ?? k.KeyName, StringComparer.Ordinal);
        foreach (var missing in wanted.Where(h => !names.ContainsKey(h)).ToArray())
        {
            // Regenerated keys spent under earlier hashes; those are few, so look each up on its own.
            var older = await session.Query<VirtualKey>().Where(k => k.RetiredKeyHashes.Contains(missing)).ToListAsync(ct);
            if (older.Count > 0)
                names[missing] = older[0].KeyAlias ?? older[0].KeyName;
        }
        return names;
    }

    static string ShortHash(string hash) => hash.Length == 0 ? "(no key)" : $"key {hash[..Math.Min(8, hash.Length)]}…";

    async Task<IReadOnlyList<BudgetAlertRow>> RecentlyExceededAsync(IQuerySession session, SignedInUser who, CancellationToken ct)
    {
        var recent = await session.Events.QueryRawEventDataOnly<BudgetExceeded>().OrderByDescending(e => e.At).Take(100).ToListAsync(ct);
        IReadOnlySet<string> teamKeys = new HashSet<string>();
        if (!who.IsAdmin)
        {
            var teams = who.TeamIds.ToArray();
            var ids = await session.Query<VirtualKey>().Where(k => k.TeamId != null && teams.Contains(k.TeamId)).Select(k => k.Id).ToListAsync(ct);
            teamKeys = ids.Select(id => id.ToString()).ToHashSet();
        }
        var keyIds = recent.Where(e => e.Scope.Kind is BudgetScope.Key or BudgetScope.KeyModel)
            .Select(e => Guid.TryParse(e.Scope.Id.Split('/')[0], out var id) ? id : Guid.Empty).Distinct().ToArray();
        var keys = keyIds.Length == 0 ? [] : await session.LoadManyAsync<VirtualKey>(ct, keyIds);
        var keyNames = keys.ToDictionary(k => k.Id.ToString(), k => k.KeyAlias ?? k.KeyName);

        return [.. recent.Where(e => Visible(who, e.Scope, teamKeys))
            .Take(AlertCount)
            .Select(e => new BudgetAlertRow(e.At, Whose(e.Scope, keyNames), e.Spend, e.MaxBudget))];
    }

    static bool Visible(SignedInUser who, BudgetScope scope, IReadOnlySet<string> teamKeys) => who.IsAdmin || scope.Kind switch
    {
        BudgetScope.Team => who.TeamIds.Contains(scope.Id),
        BudgetScope.TeamMember => who.TeamIds.Contains(scope.Id.Split('/')[0]),
        BudgetScope.Key or BudgetScope.KeyModel => teamKeys.Contains(scope.Id.Split('/')[0]),
        _ => false,
    };

    static string Whose(BudgetScope scope, IReadOnlyDictionary<string, string> keyNames) => scope.Kind switch
    {
        BudgetScope.Key => "key " + keyNames.GetValueOrDefault(scope.Id, scope.Id),
        BudgetScope.KeyModel => $"key {keyNames.GetValueOrDefault(scope.Id.Split('/')[0], scope.Id)} on {scope.Id[(scope.Id.IndexOf('/') + 1)..]}",
        BudgetScope.Team => "team " + scope.Id,
        BudgetScope.TeamMember => "member " + scope.Id.Replace("/", " of team ", StringComparison.Ordinal),
        BudgetScope.User => "user " + scope.Id,
        BudgetScope.Customer => "customer " + scope.Id,
        BudgetScope.Proxy => "the whole gateway",
        _ => scope.ToString(),
    };
}
