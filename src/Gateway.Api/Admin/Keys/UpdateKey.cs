using Gateway.Api.Errors;
using Gateway.Api.Keys;
using Gateway.Api.Proxy;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Keys;

/// <summary>
/// LiteLLM's <c>POST /key/update</c>: <c>key</c> plus any field of <c>/key/generate</c>. A field left out is unchanged;
/// a field sent as <c>null</c> is cleared (no budget, no limit, never expires).
/// </summary>
public static class UpdateKeyEndpoint
{
    [WolverinePost("/key/update")]
    public static async Task<IResult> Post(HttpRequest http, [NotBody] Caller caller, IDocumentSession session, KeyDirectory directory, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        if (fields is null)
            return refusal!;

        var named = fields.RequiredText("key");
        var command = named is null ? null : new Gateway.Domain.Keys.UpdateKey(Guid.Empty, caller.KeyHash)
        {
            KeyAlias = fields.Text("key_alias"),
            Duration = fields.Text("duration"),
            Models = fields.Strings("models"),
            MaxBudget = fields.Decimal("max_budget"),
            SoftBudget = fields.Decimal("soft_budget"),
            BudgetDuration = fields.Text("budget_duration"),
            TpmLimit = fields.Long("tpm_limit"),
            RpmLimit = fields.Long("rpm_limit"),
            MaxParallelRequests = fields.Int("max_parallel_requests"),
            ModelRpmLimit = fields.Longs("model_rpm_limit"),
            ModelTpmLimit = fields.Longs("model_tpm_limit"),
            Metadata = fields.Object("metadata"),
            TeamId = fields.Text("team_id"),
            UserId = fields.Text("user_id"),
            Tags = fields.Strings("tags"),
            Blocked = fields.Bool("blocked"),
        };
        if (fields.Error is { } invalid)
            return invalid.AsResult();

        var key = await KeyCommands.FindAsync(session, named!, ct);
        if (key is null)
            return KeyCommands.NotFound(named).AsResult();

        var decision = Gateway.Domain.Keys.UpdateKey.Decide(command! with { KeyId = key.Id }, key, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        return Results.Json(KeyView.Info(await KeyCommands.CommitAsync(session, directory, key, decision, ct)));
    }
}
