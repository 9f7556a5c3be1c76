using System.Text.Json.Serialization;
using Gateway.Api.Errors;
using Gateway.Api.Keys;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Admin.Keys;

/// <summary>A key named in an admin body: its plaintext (<c>sk-…</c>) or its hash (LiteLLM's <c>token</c>).</summary>
public sealed record KeyReference([property: JsonPropertyName("key")] string? Key);

/// <summary>What the key admin commands share: finding the key, applying a decision, keeping memory in step.</summary>
public static class KeyCommands
{
    public static string HashOf(string keyOrHash) =>
        keyOrHash.StartsWith("sk-", StringComparison.Ordinal) ? KeyPlaintext.Hash(keyOrHash) : keyOrHash.ToLowerInvariant();

    public static async Task<VirtualKey?> FindAsync(IQuerySession session, string keyOrHash, CancellationToken ct)
    {
        var hash = HashOf(keyOrHash);
        var found = await session.Query<VirtualKey>().Where(k => k.KeyHash == hash && !k.Revoked).ToListAsync(ct);
        return found.Count == 0 ? null : found[0];
    }

    public static ApiError NotFound(string? key) => new(404, "not_found_error",
        $"Key not found: {(key is null ? "(none given)" : KeyPlaintext.Name(key))}", "key", "404");

    /// <summary>Appends an accepted decision's events and brings this node's memory up to date at once.</summary>
    public static async Task<VirtualKey> CommitAsync(IDocumentSession session, KeyDirectory directory, VirtualKey key, Decision decision, CancellationToken ct)
    {
        if (decision.Events.Count == 0)
            return key;
        session.Events.Append(key.Id, decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        foreach (var e in decision.Events)
            key = Fold(key, e);
        directory.Apply(key);
        return key;
    }

    static VirtualKey Fold(VirtualKey key, object e) => e switch
    {
        KeyUpdated updated => key.Apply(updated),
        KeyBlocked blocked => key.Apply(blocked),
        KeyUnblocked unblocked => key.Apply(unblocked),
        KeyRegenerated regenerated => key.Apply(regenerated),
        KeyRevoked revoked => key.Apply(revoked),
        _ => throw new InvalidOperationException($"{e.GetType().Name} is not an event of an existing key."),
    };
}
