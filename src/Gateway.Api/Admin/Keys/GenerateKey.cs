using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Keys;
using Gateway.Api.Proxy;
using Gateway.Domain.Keys;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Keys;

/// <summary>LiteLLM's <c>POST /key/generate</c> body; every field optional.</summary>
public sealed record GenerateKeyRequest
{
    [JsonPropertyName("key")] public string? Key { get; init; }
    [JsonPropertyName("key_alias")] public string? KeyAlias { get; init; }
    [JsonPropertyName("duration")] public string? Duration { get; init; }
    [JsonPropertyName("models")] public List<string>? Models { get; init; }
    [JsonPropertyName("max_budget")] public decimal? MaxBudget { get; init; }
    [JsonPropertyName("soft_budget")] public decimal? SoftBudget { get; init; }
    [JsonPropertyName("budget_duration")] public string? BudgetDuration { get; init; }
    [JsonPropertyName("tpm_limit")] public long? TpmLimit { get; init; }
    [JsonPropertyName("rpm_limit")] public long? RpmLimit { get; init; }
    [JsonPropertyName("max_parallel_requests")] public int? MaxParallelRequests { get; init; }
    [JsonPropertyName("metadata")] public Dictionary<string, JsonElement>? Metadata { get; init; }
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("tags")] public List<string>? Tags { get; init; }
    [JsonPropertyName("blocked")] public bool? Blocked { get; init; }
}

public static class GenerateKeyEndpoint
{
    [WolverinePost("/key/generate")]
    public static async Task<IResult> Post(GenerateKeyRequest request, Caller caller, IDocumentSession session,
        KeyDirectory directory, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();

        if (request.Key is { } custom && KeyPlaintext.Validate(custom) is { } invalid)
            return AdminErrors.From(invalid).AsResult();
        var plaintext = request.Key ?? KeyPlaintext.Generate();
        var hash = KeyPlaintext.Hash(plaintext);

        if (request.KeyAlias is { } alias && await session.Query<VirtualKey>().AnyAsync(k => k.KeyAlias == alias && !k.Revoked, ct))
            return new ApiError(400, "invalid_request_error", $"Key with alias '{alias}' already exists.", "key_alias", "400").AsResult();
        if (await session.Query<VirtualKey>().AnyAsync(k => k.KeyHash == hash, ct))
            return new ApiError(400, "invalid_request_error", "A key with this value already exists.", "key", "400").AsResult();

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7();
        var decision = IssueKey.Decide(new IssueKey(id, hash, KeyPlaintext.Name(plaintext), caller.KeyHash)
        {
            KeyAlias = request.KeyAlias,
            Duration = request.Duration,
            Models = request.Models ?? [],
            MaxBudget = request.MaxBudget,
            SoftBudget = request.SoftBudget,
            BudgetDuration = request.BudgetDuration,
            TpmLimit = request.TpmLimit,
            RpmLimit = request.RpmLimit,
            MaxParallelRequests = request.MaxParallelRequests,
            Metadata = request.Metadata ?? [],
            TeamId = request.TeamId,
            UserId = request.UserId,
            Tags = request.Tags ?? [],
            Blocked = request.Blocked ?? false,
        }, now);
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();

        session.Events.StartStream<VirtualKey>(id, decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        var key = VirtualKey.Create((KeyIssued)decision.Events[0]);
        directory.Apply(key);

        // The plaintext is in this response and nowhere else, ever.
        return Results.Json(KeyView.Generated(plaintext, key));
    }
}
