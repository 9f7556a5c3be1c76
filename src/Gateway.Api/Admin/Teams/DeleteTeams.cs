using System.Text.Json.Serialization;
using Gateway.Api.Errors;
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
        if (request.TeamIds is not { Count: > 0 } ids)
            return ApiError.MissingField("team_ids", "a list of team ids").AsResult();

        // Decide for every team before appending anything: Wolverine commits the session after the endpoint, even
        // when it answers with an error, so nothing may be appended until all are accepted.
        var now = time.GetUtcNow();
        var decisions = new List<(string Id, Gateway.Domain.Decision Decision)>();
        foreach (var id in ids.Distinct())
        {
            var decision = DeleteTeam.Decide(new DeleteTeam(id), await TeamCommands.LoadAsync(session, id, ct), caller.KeyHash, now);
            if (decision.Rejection is { } rejection)
                return AdminErrors.From(rejection with { Field = "team_ids" }).AsResult();
            decisions.Add((id, decision));
        }
        foreach (var (id, decision) in decisions)
            session.Events.Append(Gateway.Domain.StreamIds.Team(id), decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        return Results.Json(new { deleted_teams = ids.Distinct().ToList() });
    }
}
