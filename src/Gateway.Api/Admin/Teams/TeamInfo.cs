using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain.Teams;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Teams;

/// <summary>LiteLLM's <c>GET /team/info?team_id=…</c> and <c>GET /team/list</c>.</summary>
public static class TeamInfoEndpoint
{
    [WolverineGet("/team/info")]
    public static async Task<IResult> Get(string? team_id, Caller caller, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(team_id))
            return ApiError.MissingField("team_id", "the team's id").AsResult();

        var team = await TeamCommands.LoadAsync(session, team_id, ct);
        if (team is null || team.Deleted)
            return new ApiError(404, "not_found_error", $"Team not found: {team_id}", "team_id", "404").AsResult();

        return Results.Json(new
        {
            team_id = team.TeamId,
            team_info = await WithSpendAsync(team, session, time.GetUtcNow(), ct),
            keys = await TeamCommands.KeysOf(session, team.TeamId, ct),
            team_memberships = team.Members.Select(m => new { user_id = m.UserId, team_id = team.TeamId, role = m.Role, max_budget_in_team = m.MaxBudgetInTeam }),
        });
    }

    [WolverineGet("/team/list")]
    public static async Task<IResult> List(Caller caller, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();
        var teams = await session.Query<Team>().Where(t => !t.Deleted).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        var now = time.GetUtcNow();
        var infos = new List<Dictionary<string, object?>>(teams.Count);
        foreach (var team in teams)
            infos.Add(await WithSpendAsync(team, session, now, ct));
        return Results.Json(infos);
    }

    static Task<Dictionary<string, object?>> WithSpendAsync(Team team, IQuerySession session, DateTimeOffset now, CancellationToken ct) =>
        TeamCommands.Info(team).WithSpendAsync(session, AdminSpend.Team(team.TeamId), team.CurrentBudgetWindow(now), ct);
}
