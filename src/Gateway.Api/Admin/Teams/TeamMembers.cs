using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain.Teams;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Teams;

/// <summary>LiteLLM's <c>POST /team/member_add</c> body: one member.</summary>
public sealed record AddMemberRequest
{
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("member")] public TeamMemberRequest? Member { get; init; }
    [JsonPropertyName("max_budget_in_team")] public decimal? MaxBudgetInTeam { get; init; }
}

/// <summary>LiteLLM's <c>POST /team/member_delete</c> body.</summary>
public sealed record RemoveMemberRequest
{
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
}

public static class TeamMembersEndpoint
{
    [WolverinePost("/team/member_add")]
    public static async Task<IResult> Add(AddMemberRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(request.TeamId))
            return ApiError.MissingField("team_id", "the team's id").AsResult();
        if (request.Member is null)
            return ApiError.MissingField("member", "{\"user_id\": …, \"role\": \"admin\" | \"user\"}").AsResult();

        var team = await TeamCommands.LoadAsync(session, request.TeamId, ct);
        var decision = AddTeamMember.Decide(new AddTeamMember(request.TeamId, request.Member.UserId ?? "",
            request.Member.Role ?? TeamRoles.User, request.MaxBudgetInTeam), team, caller.KeyHash, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        return Results.Json(TeamCommands.Info((await TeamCommands.CommitAsync(session, request.TeamId, decision, start: false, ct))!));
    }

    [WolverinePost("/team/member_delete")]
    public static async Task<IResult> Remove(RemoveMemberRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(request.TeamId))
            return ApiError.MissingField("team_id", "the team's id").AsResult();

        var team = await TeamCommands.LoadAsync(session, request.TeamId, ct);
        var decision = RemoveTeamMember.Decide(new RemoveTeamMember(request.TeamId, request.UserId ?? ""), team, caller.KeyHash, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        return Results.Json(TeamCommands.Info((await TeamCommands.CommitAsync(session, request.TeamId, decision, start: false, ct))!));
    }
}
