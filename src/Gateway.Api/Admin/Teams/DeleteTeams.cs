using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Domain;
using Gateway.Api.Proxy;
using Gateway.Domain.Teams;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Teams;

/// <summary>LiteLLM's <c>POST /team/delete</c> body.</summary>
public sealed record DeleteTeamsRequest
{
    [JsonPropertyName("team_ids")] public List<string>? TeamIds { get; init; }
}

/// <summary>Deletes teams, all named or none (a mistyped id should not half-succeed).</summary>
public static class DeleteTeamsEndpoint
{
    [WolverinePost("/team/delete")]
    public static async Task<IResult> Post(DeleteTeamsRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        var now = time.GetUtcNow();
        return await AllOrNothing.ApplyAsync<Team>(session, request.TeamIds, "team_ids", StreamIds.Team,
            (id, team) => DeleteTeam.Decide(new DeleteTeam(id), team, caller.KeyHash, now), "deleted_teams", ct);
    }
}
