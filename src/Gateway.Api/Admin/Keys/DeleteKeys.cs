using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Keys;
using Gateway.Api.Proxy;
using Gateway.Domain.Keys;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Keys;

/// <summary>LiteLLM's <c>POST /key/delete</c> body: keys (plaintext or hash) and/or aliases.</summary>
public sealed record DeleteKeysRequest
{
    [JsonPropertyName("keys")] public List<string>? Keys { get; init; }
    [JsonPropertyName("key_aliases")] public List<string>? KeyAliases { get; init; }
}

/// <summary>
/// Revokes keys: they stop working on this node at once (and on others from the event stream). All named keys must
/// exist, or nothing is revoked — a script that mistypes one key should not half-succeed.
/// </summary>
public static class DeleteKeysEndpoint
{
    [WolverinePost("/key/delete")]
    public static async Task<IResult> Post(DeleteKeysRequest request, Caller caller, IDocumentSession session, KeyDirectory directory, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if ((request.Keys?.Count ?? 0) + (request.KeyAliases?.Count ?? 0) == 0)
            return ApiError.MissingField("keys", "a list of keys, or key_aliases").AsResult();

        var targets = new List<(string Named, VirtualKey Key)>();
        foreach (var named in request.Keys ?? [])
        {
            var key = await KeyCommands.FindAsync(session, named, ct);
            if (key is null)
                return KeyCommands.NotFound(named).AsResult();
            targets.Add((named, key));
        }
        foreach (var alias in request.KeyAliases ?? [])
        {
            var found = await session.Query<VirtualKey>().Where(k => k.KeyAlias == alias && !k.Revoked).ToListAsync(ct);
            if (found.Count == 0)
                return new ApiError(404, "not_found_error", $"No key with alias '{alias}'.", "key_aliases", "404").AsResult();
            targets.AddRange(found.Select(k => (alias, k)));
        }

        // Decide for every key before appending anything: Wolverine commits the session after the endpoint, even
        // when it answers with an error.
        var now = time.GetUtcNow();
        var decisions = new List<(VirtualKey Key, Gateway.Domain.Decision Decision)>();
        foreach (var (_, key) in targets.DistinctBy(t => t.Key.Id))
        {
            var decision = RevokeKey.Decide(new RevokeKey(key.Id, caller.KeyHash), key, now);
            if (decision.Rejection is { } rejection)
                return AdminErrors.From(rejection).AsResult();
            decisions.Add((key, decision));
        }
        var revoked = new List<VirtualKey>();
        foreach (var (key, decision) in decisions)
        {
            session.Events.Append(key.Id, decision.Events.ToArray());
            revoked.Add(key.Apply((KeyRevoked)decision.Events[0]));
        }
        await session.SaveChangesAsync(ct);
        foreach (var key in revoked)
            directory.Apply(key);

        // LiteLLM echoes the keys as named; a secret is never in a response here, so a key named by value is its token (hash).
        return Results.Json(new { deleted_keys = targets.Select(t => t.Named.StartsWith("sk-", StringComparison.Ordinal) ? t.Key.KeyHash : t.Named).Distinct().ToList() });
    }
}
