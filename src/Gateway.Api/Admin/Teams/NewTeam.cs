using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain.Teams;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Teams;

public sealed record TeamMemberRequest
{
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("role")] public string? Role { get; init; }
}

/// <summary>LiteLLM's <c>POST /team/new</c> body.</summary>
public sealed record NewTeamRequest
{
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("team_alias")] public string? TeamAlias { get; init; }
    [JsonPropertyName("models")] public List<string>? Models { get; init; }
    [JsonPropertyName("max_budget")] public decimal? MaxBudget { get; init; }
    [JsonPropertyName("soft_budget")] public decimal? SoftBudget { get; init; }
    [JsonPropertyName("budget_duration")] public string? BudgetDuration { get; init; }
    [JsonPropertyName("tpm_limit")] public long? TpmLimit { get; init; }
    [JsonPropertyName("rpm_limit")] public long? RpmLimit { get; init; }
    [JsonPropertyName("max_parallel_requests")] public long? MaxParallelRequests { get; init; }
    [JsonPropertyName("metadata")] public Dictionary<string, JsonElement>? Metadata { get; init; }
    [JsonPropertyName("blocked")] public bool? Blocked { get; init; }
    [JsonPropertyName("members_with_roles")] public List<TeamMemberRequest>? Members { get; init; }
}

public static class NewTeamEndpoint
{
    [WolverinePost("/team/new")]
    public static async Task<IResult> Post(NewTeamRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();

        var teamId = request.TeamId ?? Guid.CreateVersion7().ToString();
        var existing = await TeamCommands.LoadAsync(session, teamId, ct);
        var aliasTaken = request.TeamAlias is { } alias && await session.Query<Team>().AnyAsync(t => t.Alias == alias && !t.Deleted, ct);
        var members = request.Members?.Select(m => new TeamMember(m.UserId ?? "", m.Role ?? TeamRoles.User)).ToList();

        var decision = CreateTeam.Decide(new CreateTeam(teamId, request.TeamAlias, request.Models, request.MaxBudget,
            request.SoftBudget, request.BudgetDuration, request.TpmLimit, request.RpmLimit, request.MaxParallelRequests,
            request.Metadata, request.Blocked ?? false, members), existing, aliasTaken, caller.KeyHash, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();

        var team = await TeamCommands.CommitAsync(session, teamId, decision, start: true, ct);
        return Results.Json(TeamCommands.Info(team!));
    }
}
