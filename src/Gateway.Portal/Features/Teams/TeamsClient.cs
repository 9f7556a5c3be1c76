using Gateway.Domain.Spend;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;
using Marten;

namespace Gateway.Portal.Features.Teams;

public sealed class TeamsClient(IDocumentStore store, TimeProvider time) : ITeamsClient
{
    public async Task<IReadOnlyList<TeamRow>> ListAsync(SignedInUser who, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } rights)
            return [];
        who = rights;
        var teams = await session.Query<Team>().Where(t => !t.Deleted).OrderBy(t => t.TeamId).ToListAsync(ct);
        var now = time.GetUtcNow();
        var rows = new List<TeamRow>();
        foreach (var team in teams.Where(t => who.MayManageTeam(t.TeamId)))
        {
            var since = team.CurrentBudgetWindow(now)?.Start ?? DateTimeOffset.UnixEpoch;
            var spend = await SpendSince.SumAsync(session, new SpendFilter(null, team.TeamId, null, null, null, since), ct);
            rows.Add(new TeamRow(team.TeamId, team.Alias,
                [.. team.Members.Select(m => m.MaxBudgetInTeam is { } budget ? $"{m.UserId} ({m.Role}, ${budget})" : $"{m.UserId} ({m.Role})")],
                team.Models, team.MaxBudget, team.BudgetDuration, spend, team.Blocked));
        }
        return rows;
    }
}
