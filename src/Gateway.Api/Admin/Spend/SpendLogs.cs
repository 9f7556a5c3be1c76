using System.Globalization;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain.Spend;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Spend;

/// <summary>
/// LiteLLM's <c>GET /spend/logs</c>: the request log, newest first, as a list of <c>LiteLLM_SpendLogs</c> rows. With
/// <c>start_date</c> and <c>end_date</c> (and <c>summarize</c> not <c>false</c>) it answers as LiteLLM does, one entry
/// per day: <c>{startTime, spend, users:{user: spend}, models:{model: spend}, "&lt;key hash&gt;": spend}</c>, every day of
/// the range present (LiteLLM pads only the days after its last row). Filters: <c>api_key</c> (the key or its hash),
/// <c>user_id</c>, <c>request_id</c> (the <c>x-litellm-call-id</c>); given together they all apply. LiteLLM returns every
/// row at once; here a list is capped at <c>limit</c> rows (default 1000, at most 10000), so a big log cannot take the
/// gateway down with one call.
/// </summary>
public static class SpendLogsEndpoint
{
    const int DefaultLimit = 1_000;
    const int MaxLimit = 10_000;

    [WolverineGet("/spend/logs")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, HttpRequest request, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();

        var query = request.Query;
        if (SpendParameters.Range(query, out var from, out var to) is { } badRange)
            return badRange.AsResult();
        if (SpendParameters.Whole(query, "limit", DefaultLimit, MaxLimit, out var limit) is { } badLimit)
            return badLimit.AsResult();
        if (SpendParameters.Flag(query, "summarize", true, out var summarize) is { } badFlag)
            return badFlag.AsResult();

        var keyHash = SpendParameters.Text(query, "api_key") is { } key ? SpendParameters.KeyHashOf(key) : null;
        var userId = SpendParameters.Text(query, "user_id");
        Guid? requestId = null;
        if (SpendParameters.Text(query, "request_id") is { } id)
        {
            // Our request ids are GUIDs; any other text names no request.
            if (!Guid.TryParse(id, out var parsed))
                return Results.Json(Array.Empty<object>());
            requestId = parsed;
        }

        if (from is { } start && to is { } end && summarize)
        {
            var span = SpendParameters.DaysOf(start, end, out var first, out var last);
            if (span is not null)
                return span.AsResult();
            return Results.Json(requestId is null
                ? await PerDayFromRollup(session, first, last, keyHash, userId, ct)
                : await PerDayFromLog(session, first, last, keyHash, userId, requestId.Value, ct));
        }

        var logs = Filtered(session, keyHash, userId, requestId);
        if (from is { } after)
            logs = logs.Where(log => log.StartTime >= after);
        if (to is { } before)
            logs = logs.Where(log => log.StartTime < before);
        var rows = await logs.OrderByDescending(log => log.StartTime).Take(limit).ToListAsync(ct);
        return Results.Json(rows.Select(SpendLogRow.Of));
    }

    static IQueryable<SpendLog> Filtered(IQuerySession session, string? keyHash, string? userId, Guid? requestId)
    {
        IQueryable<SpendLog> logs = session.Query<SpendLog>();
        if (keyHash is not null)
            logs = logs.Where(log => log.KeyHash == keyHash);
        if (userId is not null)
            logs = logs.Where(log => log.UserId == userId);
        if (requestId is { } id)
            logs = logs.Where(log => log.Id == id);
        return logs;
    }

    /// <summary>The per-day summary from the daily rollup: a few rows per day, however many calls there were.</summary>
    static async Task<List<Dictionary<string, object>>> PerDayFromRollup(IQuerySession session, DateOnly first, DateOnly last,
        string? keyHash, string? userId, CancellationToken ct)
    {
        IQueryable<DailySpend> days = session.Query<DailySpend>().Where(d => d.Date >= first && d.Date <= last);
        if (keyHash is not null)
            days = days.Where(d => d.KeyHash == keyHash);
        if (userId is not null)
            days = days.Where(d => d.UserId == userId);
        var rows = await days.ToListAsync(ct);
        return PerDay(first, last, rows.Select(d => (d.Date, d.KeyHash, d.UserId, d.Model, d.Spend)));
    }

    static async Task<List<Dictionary<string, object>>> PerDayFromLog(IQuerySession session, DateOnly first, DateOnly last,
        string? keyHash, string? userId, Guid requestId, CancellationToken ct)
    {
        var logs = await Filtered(session, keyHash, userId, requestId).ToListAsync(ct);
        return PerDay(first, last, logs
            .Select(log => (Date: DailySpend.DayOf(log.StartTime), log.KeyHash, log.UserId, log.Model, log.Spend))
            .Where(row => row.Date >= first && row.Date <= last));
    }

    static List<Dictionary<string, object>> PerDay(DateOnly first, DateOnly last,
        IEnumerable<(DateOnly Date, string KeyHash, string? UserId, string Model, decimal Spend)> rows)
    {
        var days = new List<Dictionary<string, object>>(last.DayNumber - first.DayNumber + 1);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            days.Add(new Dictionary<string, object>
            {
                ["startTime"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["spend"] = 0m,
                ["users"] = new Dictionary<string, decimal>(StringComparer.Ordinal),
                ["models"] = new Dictionary<string, decimal>(StringComparer.Ordinal),
            });
        }
        foreach (var row in rows)
        {
            var entry = days[row.Date.DayNumber - first.DayNumber];
            entry["spend"] = (decimal)entry["spend"] + row.Spend;
            // LiteLLM keys each day's spend per key by the bare key hash, beside the fixed fields.
            entry[row.KeyHash] = (entry.TryGetValue(row.KeyHash, out var spent) ? (decimal)spent : 0m) + row.Spend;
            Add((Dictionary<string, decimal>)entry["users"], row.UserId ?? "", row.Spend);
            Add((Dictionary<string, decimal>)entry["models"], row.Model, row.Spend);
        }
        return days;
    }

    static void Add(Dictionary<string, decimal> totals, string name, decimal spend) =>
        totals[name] = totals.GetValueOrDefault(name) + spend;
}
