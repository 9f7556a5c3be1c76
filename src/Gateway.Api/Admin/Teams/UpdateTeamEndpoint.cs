using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain;
using Gateway.Domain.Teams;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Teams;

/// <summary>LiteLLM's <c>/team/block</c> and <c>/team/unblock</c> body.</summary>
public sealed record TeamIdRequest
{
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
}

/// <summary>
/// LiteLLM's <c>POST /team/update</c> (<c>team_id</c> plus any field of <c>/team/new</c>; absent leaves a field, null
/// clears it; <c>blocked</c> blocks or unblocks) and <c>POST /team/block</c>, <c>/team/unblock</c>.
/// </summary>
public static class UpdateTeamEndpoint
{
    [WolverinePost("/team/update")]
    public static async Task<IResult> Update(HttpRequest http, [NotBody] Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        if (fields is null)
            return refusal!;

        var teamId = fields.RequiredText("team_id");
        var command = new UpdateTeam(teamId ?? "",
            fields.Text("team_alias"), fields.List("models"), fields.Decimal("max_budget"), fields.Decimal("soft_budget"),
            fields.Text("budget_duration"), fields.Long("tpm_limit"), fields.Long("rpm_limit"),
            fields.Long("max_parallel_requests"), fields.Map("metadata"));
        var blocked = fields.Bool("blocked");
        if (fields.Error is { } invalid)
            return invalid.AsResult();

        var team = await TeamCommands.LoadAsync(session, teamId!, ct);
        var aliasTaken = command.TeamAlias?.Value is { } alias && alias != team?.Alias
            && await session.Query<Team>().AnyAsync(t => t.Alias == alias && !t.Deleted, ct);
        var now = time.GetUtcNow();
        var decision = UpdateTeam.Decide(command, team, aliasTaken, caller.KeyHash, now);
        if (decision.Rejection is null && blocked is { } block)
        {
            var blocking = block
                ? BlockTeam.Decide(new BlockTeam(teamId!), team, caller.KeyHash, now)
                : UnblockTeam.Decide(new UnblockTeam(teamId!), team, caller.KeyHash, now);
            decision = blocking.Rejection is null ? Decision.Accept([.. decision.Events, .. blocking.Events]) : blocking;
        }
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        var updated = await TeamCommands.CommitAsync(session, teamId!, decision, start: false, ct);
        return Results.Json(new { team_id = updated!.TeamId, data = TeamCommands.Info(updated) });
    }

    [WolverinePost("/team/block")]
    public static async Task<IResult> Block(TeamIdRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        await Toggle(request, caller, session, ct, team => BlockTeam.Decide(new BlockTeam(request.TeamId!), team, caller.KeyHash, time.GetUtcNow()));

    [WolverinePost("/team/unblock")]
    public static async Task<IResult> Unblock(TeamIdRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        await Toggle(request, caller, session, ct, team => UnblockTeam.Decide(new UnblockTeam(request.TeamId!), team, caller.KeyHash, time.GetUtcNow()));

    static async Task<IResult> Toggle(TeamIdRequest request, Caller caller, IDocumentSession session, CancellationToken ct, Func<Team?, Decision> decide)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(request.TeamId))
            return ApiError.MissingField("team_id", "the team's id").AsResult();
        var decision = decide(await TeamCommands.LoadAsync(session, request.TeamId, ct));
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        var team = await TeamCommands.CommitAsync(session, request.TeamId, decision, start: false, ct);
        return Results.Json(TeamCommands.Info(team!));
    }
}
