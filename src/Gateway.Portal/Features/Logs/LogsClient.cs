using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Gateway.Portal.Features.Access;
using Marten;
using Marten.Pagination;

namespace Gateway.Portal.Features.Logs;

/// <summary>
/// <see cref="ILogsClient"/> on the request log read model (<see cref="SpendLog"/>), which the async daemon fills a
/// few seconds after each call. Newest first by start time, the order its (owner, start time) indexes serve.
/// </summary>
public sealed class LogsClient(IDocumentStore store) : ILogsClient
{
    public async Task<LogPage> ListAsync(SignedInUser who, LogQuery query, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } rights)
            return new LogPage([], 0);
        who = rights;
        IQueryable<SpendLog> calls = session.Query<SpendLog>();
        if (!who.IsAdmin)
        {
            var teams = who.TeamIds.ToArray();
            calls = calls.Where(l => l.TeamId != null && teams.Contains(l.TeamId));
        }
        if (!string.IsNullOrWhiteSpace(query.Model))
        {
            var model = query.Model.Trim();
            calls = calls.Where(l => l.ModelGroup == model);
        }
        if (query.FailuresOnly)
            calls = calls.Where(l => l.Status == SpendLog.Failure);

        var page = await calls.OrderByDescending(l => l.StartTime).ToPagedListAsync(query.Page + 1, Math.Clamp(query.PageSize, 1, 100), ct);
        var hashes = page.Select(l => l.KeyHash).Where(h => h.Length > 0).Distinct().ToArray();
        var keys = hashes.Length == 0 ? [] : await session.Query<VirtualKey>().Where(k => hashes.Contains(k.KeyHash)).ToListAsync(ct);
        var names = keys.ToDictionary(k => k.KeyHash, k => k.KeyAlias ?? k.KeyName);
        return new LogPage(
            [.. page.Select(l => new LogRow(l, names.GetValueOrDefault(l.KeyHash) ?? (l.KeyHash.Length == 0 ? "(none)" : $"key {l.KeyHash[..8]}…")))],
            (int)page.TotalItemCount);
    }
}
