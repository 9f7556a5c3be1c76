using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Marten;
using Marten.Pagination;

namespace Gateway.Portal.Features.Teams;

/// <summary>
/// <see cref="ITeamsClient"/> on the gateway's Marten store, a session per call. Changes are decided by the domain's
/// team decisions and appended to the team's stream; the gateway's session listener then refreshes its in-memory teams,
/// so a new budget or member applies to the next API call.
/// </summary>
public sealed class TeamsClient(IDocumentStore store, TimeProvider time) : ITeamsClient
{
    /// <summary>How many of a team's keys its page lists; the keys page has them all.</summary>
    public const int KeysShown = 50;

    public async Task<TeamPage> ListAsync(SignedInUser who, TeamListQuery query, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now || FormText.MatchesNothingStored(query.Search))
            return new TeamPage([], 0);
        IQueryable<Team> teams = session.Query<Team>().Where(t => !t.Deleted);
        if (!now.IsAdmin)
        {
            var led = now.TeamIds.ToArray();
            teams = teams.Where(t => led.Contains(t.TeamId));
        }
        if (FormText.OrNone(query.Search) is { } search)
        {
            teams = teams.Where(t =>
                t.TeamId.Contains(search, StringComparison.OrdinalIgnoreCase)
                || t.Alias!.Contains(search, StringComparison.OrdinalIgnoreCase));
        }
        var page = await Sorted(teams, query.SortBy, query.Descending)
            .ToPagedListAsync(query.Page + 1, Math.Clamp(query.PageSize, 1, 100), ct);

        var at = time.GetUtcNow();
        var rows = new List<TeamRow>((int)page.Count);
        foreach (var team in page)
            rows.Add(new TeamRow(team, await SpendInWindowAsync(session, team, null, at, ct)));
        return new TeamPage(rows, (int)page.TotalItemCount);
    }

    public async Task<PortalResult<TeamDetails>> DetailsAsync(SignedInUser who, string teamId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return PortalResult<TeamDetails>.Forbidden(PortalRights.NoLongerAllowed);
        var team = await LoadAsync(session, teamId, ct);
        if (TeamAccess.MaySee(now, team, teamId) is { } refusal)
            return PortalResult<TeamDetails>.Refused(refusal);

        var at = time.GetUtcNow();
        var members = new List<TeamMemberRow>(team!.Members.Count);
        foreach (var member in team.Members.OrderBy(m => m.Role == TeamRoles.Admin ? 0 : 1).ThenBy(m => m.UserId, StringComparer.Ordinal))
            members.Add(new TeamMemberRow(member.UserId, member.Role, member.MaxBudgetInTeam, await SpendInWindowAsync(session, team, member.UserId, at, ct)));

        var live = session.Query<VirtualKey>().Where(k => k.TeamId == team.TeamId && !k.Revoked);
        var keyCount = await live.CountAsync(ct);
        var keys = await live.OrderByDescending(k => k.IssuedAt).Take(KeysShown).ToListAsync(ct);
        var spend = await KeySpendAsync(session, keys, ct);
        return PortalResult<TeamDetails>.Ok(new TeamDetails(
            team,
            await SpendInWindowAsync(session, team, null, at, ct),
            team.CurrentBudgetWindow(at),
            members,
            [.. keys.Select(k => new KeyRow(k, spend(k)))],
            keyCount));
    }

    public async Task<PortalResult<Team>> CreateAsync(SignedInUser who, TeamSettings settings, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return PortalResult<Team>.Forbidden(PortalRights.NoLongerAllowed);
        if (TeamAccess.MayChangeSettings(now) is { } refusal)
            return PortalResult<Team>.Refused(refusal);

        // As /team/new: no id given, one is generated.
        var teamId = FormText.OrNone(settings.TeamId) ?? Guid.CreateVersion7().ToString();
        var alias = FormText.OrNone(settings.Alias);
        // A name the store cannot hold is not looked up (PostgreSQL would fail the query); the decision refuses it.
        var aliasTaken = alias is not null && StorableText.NameProblem(alias) is null
            && await session.Query<Team>().AnyAsync(t => t.Alias == alias && !t.Deleted, ct);
        var decision = CreateTeam.Decide(
            new CreateTeam(teamId, alias, settings.ModelList, settings.MaxBudget, settings.SoftBudget,
                FormText.OrNone(settings.BudgetDuration), settings.TpmLimit, settings.RpmLimit, settings.MaxParallelRequests),
            await LoadAsync(session, teamId, ct), aliasTaken, who.By, time.GetUtcNow());
        if (decision.Rejection is { } rejected)
            return PortalResult<Team>.Refused(rejected);

        session.Events.StartStream<Team>(StreamIds.Team(teamId), [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return PortalResult<Team>.Ok((await LoadAsync(session, teamId, ct))!);
    }

    public async Task<PortalResult<Team>> UpdateAsync(SignedInUser who, string teamId, TeamSettings settings, CancellationToken ct)
    {
        var alias = FormText.OrNone(settings.Alias);
        return await DecideAsync(who, teamId, adminOnly: true, async (session, _, team) =>
        {
            var aliasTaken = alias is not null && alias != team.Alias && StorableText.NameProblem(alias) is null
                && await session.Query<Team>().AnyAsync(t => t.Alias == alias && !t.Deleted && t.TeamId != team.TeamId, ct);
            // Every field the dialog shows is sent; the decision records only those that differ.
            var command = new UpdateTeam(team.TeamId,
                Change.To(alias),
                Change.To(settings.ModelList),
                Change.To(settings.MaxBudget),
                Change.To(settings.SoftBudget),
                Change.To(FormText.OrNone(settings.BudgetDuration)),
                Change.To(settings.TpmLimit),
                Change.To(settings.RpmLimit),
                Change.To(settings.MaxParallelRequests));
            return UpdateTeam.Decide(command, team, aliasTaken, who.By, time.GetUtcNow());
        }, ct);
    }

    public Task<PortalResult<Team>> BlockAsync(SignedInUser who, string teamId, CancellationToken ct) =>
        DecideAsync(who, teamId, adminOnly: true, (_, _, team) => Task.FromResult(BlockTeam.Decide(new BlockTeam(team.TeamId), team, who.By, time.GetUtcNow())), ct);

    public Task<PortalResult<Team>> UnblockAsync(SignedInUser who, string teamId, CancellationToken ct) =>
        DecideAsync(who, teamId, adminOnly: true, (_, _, team) => Task.FromResult(UnblockTeam.Decide(new UnblockTeam(team.TeamId), team, who.By, time.GetUtcNow())), ct);

    public Task<PortalResult<Team>> DeleteAsync(SignedInUser who, string teamId, CancellationToken ct) =>
        DecideAsync(who, teamId, adminOnly: true, (_, _, team) => Task.FromResult(DeleteTeam.Decide(new DeleteTeam(team.TeamId), team, who.By, time.GetUtcNow())), ct);

    public Task<PortalResult<Team>> AddMemberAsync(SignedInUser who, string teamId, MemberSettings member, CancellationToken ct) =>
        DecideAsync(who, teamId, adminOnly: false, (_, _, team) => Task.FromResult(AddTeamMember.Decide(
            new AddTeamMember(team.TeamId, member.UserId.Trim(), member.Role, member.MaxBudgetInTeam), team, who.By, time.GetUtcNow())), ct);

    public Task<PortalResult<Team>> UpdateMemberAsync(SignedInUser who, string teamId, MemberSettings member, CancellationToken ct) =>
        DecideAsync(who, teamId, adminOnly: false, (_, now, team) =>
        {
            var command = new UpdateTeamMember(team.TeamId, member.UserId, Change.To(member.Role), Change.To(member.MaxBudgetInTeam));
            // A lead may set their own budget in the team, but not their own role.
            if (team.Member(member.UserId) is { } current && current.Role != member.Role
                && TeamAccess.MayChangeMembership(now, member.UserId) is { } refusal)
                return Task.FromResult(Decision.Reject(refusal.Kind, refusal.Message, "role"));
            return Task.FromResult(UpdateTeamMember.Decide(command, team, who.By, time.GetUtcNow()));
        }, ct);

    public Task<PortalResult<Team>> RemoveMemberAsync(SignedInUser who, string teamId, string userId, CancellationToken ct) =>
        DecideAsync(who, teamId, adminOnly: false, (_, now, team) =>
            Task.FromResult(TeamAccess.MayChangeMembership(now, userId) is { } refusal
                ? Decision.Reject(refusal.Kind, refusal.Message, "user_id")
                : RemoveTeamMember.Decide(new RemoveTeamMember(team.TeamId, userId), team, who.By, time.GetUtcNow())), ct);

    /// <summary>
    /// Checks the user's rights now and on this team, decides, and appends what was decided. <paramref name="decide"/>
    /// gets the user's rights as the store has them now, not as the circuit remembered them.
    /// </summary>
    async Task<PortalResult<Team>> DecideAsync(SignedInUser who, string teamId, bool adminOnly,
        Func<IDocumentSession, SignedInUser, Team, Task<Decision>> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return PortalResult<Team>.Forbidden(PortalRights.NoLongerAllowed);
        var team = await LoadAsync(session, teamId, ct);
        if ((TeamAccess.MaySee(now, team, teamId) ?? (adminOnly ? TeamAccess.MayChangeSettings(now) : null)) is { } refusal)
            return PortalResult<Team>.Refused(refusal);

        var decision = await decide(session, now, team!);
        if (decision.Rejection is { } rejected)
            return PortalResult<Team>.Refused(rejected);
        if (decision.Events.Count > 0)
        {
            session.Events.Append(team!.Id, [.. decision.Events]);
            await session.SaveChangesAsync(ct);
        }
        return PortalResult<Team>.Ok(await LoadAsync(session, team!.TeamId, ct) ?? team);
    }

    static async Task<Team?> LoadAsync(IQuerySession session, string teamId, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(teamId) ? null : await session.LoadAsync<Team>(StreamIds.Team(teamId), ct);

    /// <summary>What the team (or one member through it) spent in the team's current budget window; exact, as budgets count it.</summary>
    static Task<decimal> SpendInWindowAsync(IQuerySession session, Team team, string? userId, DateTimeOffset now, CancellationToken ct) =>
        SpendSince.SumAsync(session,
            new SpendFilter(null, team.TeamId, userId, null, null, team.CurrentBudgetWindow(now)?.Start ?? DateTimeOffset.UnixEpoch), ct);

    /// <summary>Lifetime spend per key from the rollup, under every hash the key has had.</summary>
    static async Task<Func<VirtualKey, decimal>> KeySpendAsync(IQuerySession session, IReadOnlyList<VirtualKey> keys, CancellationToken ct)
    {
        var hashes = keys.SelectMany(k => (IEnumerable<string>)[k.KeyHash, .. k.RetiredKeyHashes]).Distinct().ToArray();
        var rollups = hashes.Length == 0 ? [] : await session.LoadManyAsync<KeySpend>(ct, hashes);
        var byHash = rollups.ToDictionary(r => r.Id, r => r.Spend);
        return key => ((IEnumerable<string>)[key.KeyHash, .. key.RetiredKeyHashes]).Sum(h => byHash.GetValueOrDefault(h));
    }

    static IQueryable<Team> Sorted(IQueryable<Team> teams, string? sortBy, bool descending) => (sortBy, descending) switch
    {
        (nameof(TeamRow.Alias), false) => teams.OrderBy(t => t.Alias),
        (nameof(TeamRow.Alias), true) => teams.OrderByDescending(t => t.Alias),
        (nameof(TeamRow.MaxBudget), false) => teams.OrderBy(t => t.MaxBudget),
        (nameof(TeamRow.MaxBudget), true) => teams.OrderByDescending(t => t.MaxBudget),
        (nameof(TeamRow.CreatedAt), false) => teams.OrderBy(t => t.CreatedAt),
        (nameof(TeamRow.CreatedAt), true) => teams.OrderByDescending(t => t.CreatedAt),
        (nameof(TeamRow.TeamId), true) => teams.OrderByDescending(t => t.TeamId),
        _ => teams.OrderBy(t => t.TeamId),
    };
}
