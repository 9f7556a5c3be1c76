using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Keys;
using Gateway.Api.Proxy;
using Gateway.Domain.Keys;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Keys;

/// <summary>LiteLLM's <c>POST /key/regenerate</c> body.</summary>
public sealed record RegenerateKeyRequest
{
    [JsonPropertyName("key")] public string? Key { get; init; }
    [JsonPropertyName("new_key")] public string? NewKey { get; init; }
    [JsonPropertyName("grace_period")] public string? GracePeriod { get; init; }
}

/// <summary>Issues a new secret for the same key (same settings, spend and history); the old one stops, or after a grace period.</summary>
public static class RegenerateKeyEndpoint
{
    [WolverinePost("/key/regenerate")]
    public static async Task<IResult> Post(RegenerateKeyRequest request, Caller caller, IDocumentSession session, KeyDirectory directory, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(request.Key))
            return ApiError.MissingField("key", "the key (sk-…) or its hash").AsResult();
        if (request.NewKey is { } custom && KeyPlaintext.Validate(custom, "new_key") is { } invalid)
            return AdminErrors.From(invalid).AsResult();

        var key = await KeyCommands.FindAsync(session, request.Key, ct);
        if (key is null)
            return KeyCommands.NotFound(request.Key).AsResult();

        var plaintext = request.NewKey ?? KeyPlaintext.Generate();
        var hash = KeyPlaintext.Hash(plaintext);
        if (await session.Query<VirtualKey>().AnyAsync(k => k.KeyHash == hash, ct))
            return new ApiError(400, "invalid_request_error", "A key with this value already exists.", "new_key", "400").AsResult();

        var decision = Gateway.Domain.Keys.RegenerateKey.Decide(
            new Gateway.Domain.Keys.RegenerateKey(key.Id, hash, KeyPlaintext.Name(plaintext), caller.KeyHash) { GracePeriod = request.GracePeriod },
            key, time.GetUtcNow());
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();

        var regenerated = await KeyCommands.CommitAsync(session, directory, key, decision, ct);
        return Results.Json(KeyView.Generated(plaintext, regenerated));
    }
}
