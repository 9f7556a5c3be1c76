using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Gateway.Portal.Features.Access;
using Marten;
using Marten.Pagination;

namespace Gateway.Portal.Features.Logs;

/// <summary>
/// <see cref="ILogsClient"/> on the request log read model (<see cref="SpendLog"/>), which the async daemon fills a
/// few seconds after each call, and on the calls' own events for the details. Newest first by start time, the order
/// its (owner, start time) indexes serve.
/// </summary>
public sealed class LogsClient(IDocumentStore store) : ILogsClient
{
    public async Task<LogPage> ListAsync(SignedInUser who, LogQuery query, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } rights
            || FormText.MatchesNothingStored(query.Team, query.Customer, query.Model, query.Key))
            return new LogPage([], 0);
        who = rights;
        IQueryable<SpendLog> calls = session.Query<SpendLog>();
        if (!who.IsAdmin)
        {
            var teams = who.TeamIds.ToArray();
            calls = calls.Where(l => l.TeamId != null && teams.Contains(l.TeamId));
        }
        if (query.From is { } from)
        {
            var since = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            calls = calls.Where(l => l.StartTime >= since);
        }
        if (query.To is { } to)
        {
            var before = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            calls = calls.Where(l => l.StartTime < before);
        }
        if (FormText.OrNone(query.Team) is { } team)
            calls = calls.Where(l => l.TeamId == team);
        if (FormText.OrNone(query.Customer) is { } customer)
            calls = calls.Where(l => l.EndUser == customer);
        if (FormText.OrNone(query.Model) is { } model)
            calls = calls.Where(l => l.ModelGroup == model);
        if (query.Status is SpendLog.Success or SpendLog.Failure)
            calls = calls.Where(l => l.Status == query.Status);
        if (FormText.OrNone(query.Key) is { } key)
        {
            // Keys are few next to calls: find the matching keys' hashes (every hash each has had), then their calls.
            var keys = await session.Query<VirtualKey>()
                .Where(k => k.KeyAlias!.Contains(key, StringComparison.OrdinalIgnoreCase) || k.KeyName.Contains(key, StringComparison.OrdinalIgnoreCase))
                .ToListAsync(ct);
            var hashes = keys.SelectMany(k => (IEnumerable<string>)[k.KeyHash, .. k.RetiredKeyHashes]).Distinct().ToArray();
            if (hashes.Length == 0)
                return new LogPage([], 0);
            calls = calls.Where(l => hashes.Contains(l.KeyHash));
        }

        var page = await calls.OrderByDescending(l => l.StartTime).ToPagedListAsync(query.Page + 1, Math.Clamp(query.PageSize, 1, 100), ct);
        var names = await KeyNamesAsync(session, page.Select(l => l.KeyHash), ct);
        return new LogPage([.. page.Select(l => new LogRow(l, KeyName(names, l.KeyHash)))], (int)page.TotalItemCount);
    }

    public async Task<PortalResult<LogDetails>> DetailsAsync(SignedInUser who, Guid requestId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } rights)
            return PortalResult<LogDetails>.Forbidden(PortalRights.NoLongerAllowed);

        // Each call is its own stream, keyed by its request id.
        var events = await session.Events.FetchStreamAsync(requestId, token: ct);
        var call = events.Select(e => e.Data).LastOrDefault(d => d is RequestCompleted or RequestFailed);
        if (call is null)
            return PortalResult<LogDetails>.Refused(RejectionKind.NotFound,
                $"There is no call {requestId}. A call appears here a second or so after it ends; check the id (x-litellm-call-id).");
        var (teamId, keyHash) = call switch
        {
            RequestCompleted c => (c.TeamId, c.KeyHash),
            RequestFailed f => (f.TeamId, f.KeyHash),
            _ => (null, null),
        };
        if (!rights.MayManageTeam(teamId))
            return PortalResult<LogDetails>.Forbidden("This call was made with a key of a team you do not lead, so you cannot see it.");

        var names = await KeyNamesAsync(session, [keyHash ?? ""], ct);
        var key = KeyName(names, keyHash ?? "");
        return PortalResult<LogDetails>.Ok(call switch
        {
            RequestCompleted c => new LogDetails(c.RequestId, c.StartedAt, c.At, c.CallType, key, c.TeamId, c.UserId, c.CustomerId,
                c.ModelGroup, c.DeploymentId, c.Provider, c.Model, rights.IsAdmin ? c.ApiBase : null,
                c.PromptTokens, c.CompletionTokens, c.CachedTokens, c.CacheCreationTokens, c.ReasoningTokens, c.Cost, c.Prices,
                c.PriceSheetVersion, c.LatencyMs, c.TimeToFirstTokenMs, c.Stream, c.Status, c.UsageEstimated, null, null),
            RequestFailed f => new LogDetails(f.RequestId, f.StartedAt, f.At, f.CallType, key, f.TeamId, f.UserId, f.CustomerId,
                f.ModelGroup, f.DeploymentId, f.Provider, null, null,
                f.PromptTokens, f.CompletionTokens, 0, 0, 0, f.Cost, null, null, f.LatencyMs, null, f.Stream, f.Status, false,
                f.ErrorType, f.ErrorMessage),
            _ => throw new InvalidOperationException("unreachable"),
        });
    }

    static string KeyName(IReadOnlyDictionary<string, string> names, string hash) =>
        names.GetValueOrDefault(hash) ?? (hash.Length == 0 ? "(none)" : $"key {hash[..Math.Min(8, hash.Length)]}…");

    /// <summary>Keys by any hash they have had (current, or before a regeneration), named by alias or "sk-...abcd".</summary>
    static async Task<IReadOnlyDictionary<string, string>> KeyNamesAsync(IQuerySession session, IEnumerable<string> hashes, CancellationToken ct)
    {
        var wanted = hashes.Where(h => h.Length > 0).Distinct().ToArray();
        if (wanted.Length == 0)
            return new Dictionary<string, string>();
        var keys = await session.Query<VirtualKey>().Where(k => wanted.Contains(k.KeyHash)).ToListAsync(ct);
        var names = keys.ToDictionary(k => k.KeyHash, k => k.KeyAlias ?? k.KeyName, StringComparer.Ordinal);
        foreach (var missing in wanted.Where(h => !names.ContainsKey(h)))
        {
            var older = await session.Query<VirtualKey>().Where(k => k.RetiredKeyHashes.Contains(missing)).ToListAsync(ct);
            if (older.Count > 0)
                names[missing] = older[0].KeyAlias ?? older[0].KeyName;
        }
        return names;
    }
}
