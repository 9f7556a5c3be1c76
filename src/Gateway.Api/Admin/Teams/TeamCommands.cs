using Gateway.Api.Admin.Keys;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Domain.Teams;
using Marten;

namespace Gateway.Api.Admin.Teams;

/// <summary>What the team admin routes share: loading a team by its LiteLLM id, committing a decision, the JSON shape.</summary>
public static class TeamCommands
{
    public static async Task<Team?> LoadAsync(IQuerySession session, string teamId, CancellationToken ct) =>
        await session.LoadAsync<Team>(StreamIds.Team(teamId), ct);

    /// <summary>Appends an accepted decision and returns the team as it now stands (the inline snapshot).</summary>
    public static async Task<Team?> CommitAsync(IDocumentSession session, string teamId, Decision decision, bool start, CancellationToken ct)
    {
        if (decision.Events.Count > 0)
        {
            if (start)
                session.Events.StartStream<Team>(StreamIds.Team(teamId), decision.Events.ToArray());
            else
                session.Events.Append(StreamIds.Team(teamId), decision.Events.ToArray());
            await session.SaveChangesAsync(ct);
        }
        return await LoadAsync(session, teamId, ct);
    }

    public static Dictionary<string, object?> Info(Team team) => new()
    {
        ["team_id"] = team.TeamId,
        ["team_alias"] = team.Alias,
        ["models"] = team.Models,
        ["max_budget"] = team.MaxBudget,
        ["soft_budget"] = team.SoftBudget,
        ["budget_duration"] = team.BudgetDuration,
        ["tpm_limit"] = team.TpmLimit,
        ["rpm_limit"] = team.RpmLimit,
        ["max_parallel_requests"] = team.MaxParallelRequests,
        ["metadata"] = team.Metadata,
        ["blocked"] = team.Blocked,
        ["members_with_roles"] = team.Members.Select(m => new { user_id = m.UserId, role = m.Role }).ToList(),
        ["created_at"] = team.CreatedAt,
        ["updated_at"] = team.UpdatedAt,
    };

    public static async Task<List<Dictionary<string, object?>>> KeysOf(IQuerySession session, string teamId, CancellationToken ct) =>
        (await session.Query<VirtualKey>().Where(k => k.TeamId == teamId && !k.Revoked).ToListAsync(ct)).Select(KeyView.Info).ToList();
}
