using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Api.Admin.Keys;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Domain.Users;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Users;

/// <summary>LiteLLM's <c>POST /user/new</c> body.</summary>
public sealed record NewUserRequest
{
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("user_email")] public string? UserEmail { get; init; }
    [JsonPropertyName("user_alias")] public string? UserAlias { get; init; }
    [JsonPropertyName("user_role")] public string? UserRole { get; init; }
    [JsonPropertyName("teams")] public List<string>? Teams { get; init; }
    [JsonPropertyName("max_budget")] public decimal? MaxBudget { get; init; }
    [JsonPropertyName("budget_duration")] public string? BudgetDuration { get; init; }
    [JsonPropertyName("models")] public List<string>? Models { get; init; }
    [JsonPropertyName("tpm_limit")] public long? TpmLimit { get; init; }
    [JsonPropertyName("rpm_limit")] public long? RpmLimit { get; init; }
    [JsonPropertyName("metadata")] public Dictionary<string, JsonElement>? Metadata { get; init; }
}

/// <summary>LiteLLM's <c>POST /user/delete</c> body.</summary>
public sealed record DeleteUsersRequest
{
    [JsonPropertyName("user_ids")] public List<string>? UserIds { get; init; }
}

/// <summary>Internal (portal) users: <c>/user/new</c>, <c>/user/update</c>, <c>/user/info</c>, <c>/user/list</c>, <c>/user/delete</c>.</summary>
public static class UserRoutes
{
    [WolverinePost("/user/new")]
    public static async Task<IResult> New(NewUserRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();

        var userId = request.UserId ?? Guid.CreateVersion7().ToString();
        var existing = await session.LoadAsync<PortalUser>(StreamIds.User(userId), ct);
        var decision = CreateUser.Decide(new CreateUser(userId, request.UserEmail, request.UserAlias, request.UserRole,
            request.Teams, request.MaxBudget, request.BudgetDuration, request.Models, request.TpmLimit, request.RpmLimit,
            request.Metadata), existing, caller.KeyHash, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();

        session.Events.StartStream<PortalUser>(StreamIds.User(userId), decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        return Results.Json(Info((await session.LoadAsync<PortalUser>(StreamIds.User(userId), ct))!));
    }

    /// <summary>
    /// LiteLLM's <c>POST /user/update</c>: <c>user_id</c> plus any field of <c>/user/new</c>; absent leaves a field,
    /// null clears it.
    /// </summary>
    [WolverinePost("/user/update")]
    public static async Task<IResult> Update(HttpRequest http, [NotBody] Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        if (fields is null)
            return refusal!;

        var userId = fields.RequiredText("user_id");
        var role = fields.Text("user_role");
        var command = new UpdateUser(userId ?? "", fields.Text("user_email"), fields.Text("user_alias"),
            role is null ? null : Change.To(role.Value ?? ""), fields.Decimal("max_budget"), fields.Text("budget_duration"),
            fields.List("models"), fields.Long("tpm_limit"), fields.Long("rpm_limit"), fields.Map("metadata"));
        if (fields.Error is { } invalid)
            return invalid.AsResult();

        var stream = StreamIds.User(userId!);
        var decision = UpdateUser.Decide(command, await session.LoadAsync<PortalUser>(stream, ct), caller.KeyHash, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        if (decision.Events.Count > 0)
        {
            session.Events.Append(stream, decision.Events.ToArray());
            await session.SaveChangesAsync(ct);
        }
        return Results.Json(Info((await session.LoadAsync<PortalUser>(stream, ct))!));
    }

    [WolverineGet("/user/info")]
    public static async Task<IResult> Get(string? user_id, Caller caller, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(user_id))
            return ApiError.MissingField("user_id", "the user's id").AsResult();
        var user = await session.LoadAsync<PortalUser>(StreamIds.User(user_id), ct);
        if (user is null || user.Deleted)
            return new ApiError(404, "not_found_error", $"User not found: {user_id}", "user_id", "404").AsResult();

        var keys = await session.Query<VirtualKey>().Where(k => k.UserId == user_id && !k.Revoked).ToListAsync(ct);
        return Results.Json(new { user_id = user.UserId, user_info = await WithSpendAsync(user, session, time.GetUtcNow(), ct), keys = keys.Select(KeyView.Info) });
    }

    [WolverineGet("/user/list")]
    public static async Task<IResult> List(Caller caller, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();
        var users = await session.Query<PortalUser>().Where(u => !u.Deleted).OrderBy(u => u.CreatedAt).ToListAsync(ct);
        var now = time.GetUtcNow();
        var infos = new List<Dictionary<string, object?>>(users.Count);
        foreach (var user in users)
            infos.Add(await WithSpendAsync(user, session, now, ct));
        return Results.Json(new { users = infos, total = users.Count });
    }

    static Task<Dictionary<string, object?>> WithSpendAsync(PortalUser user, IQuerySession session, DateTimeOffset now, CancellationToken ct) =>
        Info(user).WithSpendAsync(session, AdminSpend.User(user.UserId), user.CurrentBudgetWindow(now), ct);

    [WolverinePost("/user/delete")]
    public static async Task<IResult> Delete(DeleteUsersRequest request, Caller caller, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        var now = time.GetUtcNow();
        return await AllOrNothing.ApplyAsync<PortalUser>(session, request.UserIds, "user_ids", StreamIds.User,
            (id, user) => DeleteUser.Decide(new DeleteUser(id), user, caller.KeyHash, now), "deleted_users", ct);
    }

    static Dictionary<string, object?> Info(PortalUser user) => new()
    {
        ["user_id"] = user.UserId,
        ["user_email"] = user.Email,
        ["user_alias"] = user.Alias,
        ["user_role"] = user.Role,
        ["teams"] = user.Teams,
        ["max_budget"] = user.MaxBudget,
        ["budget_duration"] = user.BudgetDuration,
        ["models"] = user.Models,
        ["tpm_limit"] = user.TpmLimit,
        ["rpm_limit"] = user.RpmLimit,
        ["metadata"] = user.Metadata,
        ["created_at"] = user.CreatedAt,
        ["updated_at"] = user.UpdatedAt,
    };
}
