using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain;
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

    /// <summary>
    /// LiteLLM's <c>POST /team/member_update</c>: <c>team_id</c>, <c>user_id</c>, and <c>role</c> and/or
    /// <c>max_budget_in_team</c> (absent leaves it; a null budget removes it).
    /// </summary>
    [WolverinePost("/team/member_update")]
    public static async Task<IResult> Update(HttpRequest http, [NotBody] Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        if (fields is null)
            return refusal!;
        var teamId = fields.RequiredText("team_id");
        var userId = fields.RequiredText("user_id");
        var role = fields.Text("role");
        var budget = fields.Decimal("max_budget_in_team");
        if (fields.Error is { } invalid)
            return invalid.AsResult();

        var team = await TeamCommands.LoadAsync(session, teamId!, ct);
        // A role sent as null is not a role: the decision refuses it as it refuses any unknown one.
        var command = new UpdateTeamMember(teamId!, userId!, role is null ? null : Change.To(role.Value ?? ""), budget);
        var decision = UpdateTeamMember.Decide(command, team, caller.KeyHash, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        var updated = (await TeamCommands.CommitAsync(session, teamId!, decision, start: false, ct))!;
        var member = updated.Member(userId!)!;
        return Results.Json(new { team_id = updated.TeamId, user_id = member.UserId, role = member.Role, max_budget_in_team = member.MaxBudgetInTeam });
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
