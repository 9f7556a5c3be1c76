using System.Globalization;
using Gateway.Domain.Keys;
using Gateway.Portal.Features.Access;
using Marten;

namespace Gateway.Portal.Features.Keys;

/// <summary>
/// A key's audit trail: its event stream read back in words. Settings changes are shown as "before → after", by
/// folding the stream as Marten does, so the history says what each change did, not only what it set.
/// </summary>
public static class KeyHistory
{
    public static async Task<IReadOnlyList<KeyHistoryEntry>> ReadAsync(IQuerySession session, Guid keyId, string? masterKeyHash, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(keyId, token: ct);
        var authors = await KeyNamesAsync(session, events.Select(e => ByOf(e.Data)).OfType<string>(), ct);

        var entries = new List<KeyHistoryEntry>(events.Count);
        VirtualKey? key = null;
        foreach (var e in events)
        {
            var before = key;
            key = Fold(key, e.Data);
            if (key is null || ByOf(e.Data) is not { } by)
                continue;
            var who = PortalBy.Describe(by, masterKeyHash, hash => authors.GetValueOrDefault(hash));
            entries.Add(new KeyHistoryEntry(e.Version, e.Timestamp, who, What(e.Data), before is null ? Initial(key) : Changes(before, key)));
        }
        entries.Reverse(); // newest first
        return entries;
    }

    static VirtualKey? Fold(VirtualKey? key, object e) => (key, e) switch
    {
        (_, KeyIssued issued) => VirtualKey.Create(issued),
        (not null, KeyUpdated updated) => key.Apply(updated),
        (not null, KeyBlocked blocked) => key.Apply(blocked),
        (not null, KeyUnblocked unblocked) => key.Apply(unblocked),
        (not null, KeyRegenerated regenerated) => key.Apply(regenerated),
        (not null, KeyRevoked revoked) => key.Apply(revoked),
        _ => key,
    };

    static string? ByOf(object e) => e switch
    {
        KeyIssued x => x.By,
        KeyUpdated x => x.By,
        KeyBlocked x => x.By,
        KeyUnblocked x => x.By,
        KeyRegenerated x => x.By,
        KeyRevoked x => x.By,
        _ => null,
    };

    static string What(object e) => e switch
    {
        KeyIssued => "Issued",
        KeyUpdated => "Settings changed",
        KeyBlocked => "Blocked",
        KeyUnblocked => "Unblocked",
        KeyRegenerated r => r.PreviousKeyValidUntil is { } until
            ? $"Regenerated (the old secret worked until {Time(until)})"
            : "Regenerated (the old secret stopped at once)",
        KeyRevoked => "Revoked",
        _ => e.GetType().Name,
    };

    /// <summary>The settings a new key started with (only those set).</summary>
    static IReadOnlyList<string> Initial(VirtualKey key) =>
        [.. Settings(key).Where(s => s.Value != "none").Select(s => $"{s.Name}: {s.Value}")];

    static IReadOnlyList<string> Changes(VirtualKey before, VirtualKey after)
    {
        var old = Settings(before).ToDictionary(s => s.Name, s => s.Value);
        return [.. Settings(after).Where(s => old[s.Name] != s.Value).Select(s => $"{s.Name}: {old[s.Name]} → {s.Value}")];
    }

    static IEnumerable<(string Name, string Value)> Settings(VirtualKey key)
    {
        yield return ("name", key.KeyName);
        yield return ("alias", key.KeyAlias ?? "none");
        yield return ("team", key.TeamId ?? "none");
        yield return ("user", key.UserId ?? "none");
        yield return ("models", key.Models.Count == 0 ? "none" : string.Join(", ", key.Models));
        yield return ("max budget", Money(key.MaxBudget));
        yield return ("soft budget", Money(key.SoftBudget));
        yield return ("budget resets every", key.BudgetDuration ?? "none");
        yield return ("TPM limit", Number(key.TpmLimit));
        yield return ("RPM limit", Number(key.RpmLimit));
        yield return ("parallel requests", Number(key.MaxParallelRequests));
        yield return ("expires", key.ExpiresAt is { } at ? Time(at) : "none");
    }

    static string Money(decimal? amount) => amount is { } a ? "$" + a.ToString("0.00####", CultureInfo.InvariantCulture) : "none";

    static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "none";

    static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    static async Task<IReadOnlyDictionary<string, string>> KeyNamesAsync(IQuerySession session, IEnumerable<string> authors, CancellationToken ct)
    {
        // Admin API changes record the acting key's hash; name it by its alias when it is one of ours.
        var hashes = authors.Where(a => a.Length == 64).Distinct().ToArray();
        if (hashes.Length == 0)
            return new Dictionary<string, string>();
        var keys = await session.Query<VirtualKey>().Where(k => hashes.Contains(k.KeyHash)).ToListAsync(ct);
        return keys.ToDictionary(k => k.KeyHash, k => k.KeyAlias ?? k.KeyName);
    }
}
