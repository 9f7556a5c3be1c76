using System.Globalization;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Spend;

/// <summary>
/// LiteLLM's <c>GET /user/daily/activity?start_date=&amp;end_date=</c> (both required; <c>model</c>, <c>api_key</c>,
/// <c>user_id</c> filter; <c>page</c> from 1, <c>page_size</c> 1–1000, default 50): per day, newest first,
/// <c>{date, metrics, breakdown:{models, model_groups, providers, api_keys}}</c>, and <c>metadata</c> with the totals,
/// <c>page</c>, <c>total_pages</c> and <c>has_more</c>. As in LiteLLM, a page is a page of daily rollup rows (newest day
/// first, a stable order within a day), and the totals are the page's, so a client that sums the pages gets the whole.
/// <c>model</c> matches the upstream model (LiteLLM's column) or the model group.
/// </summary>
public static class DailyActivityEndpoint
{
    const int DefaultPageSize = 50;
    const int MaxPageSize = 1_000;
    const int MaxPage = 1_000_000; // keeps (page - 1) × page_size within an int

    [WolverineGet("/user/daily/activity")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, HttpRequest request, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();

        var query = request.Query;
        if (SpendParameters.Days(query, out var first, out var last) is { } badDays)
            return badDays.AsResult();
        if (SpendParameters.Whole(query, "page", 1, MaxPage, out var page) is { } badPage)
            return badPage.AsResult();
        if (SpendParameters.Whole(query, "page_size", DefaultPageSize, MaxPageSize, out var pageSize) is { } badSize)
            return badSize.AsResult();

        IQueryable<DailySpend> days = session.Query<DailySpend>().Where(d => d.Date >= first && d.Date <= last);
        if (SpendParameters.Text(query, "user_id") is { } userId)
            days = days.Where(d => d.UserId == userId);
        if (SpendParameters.Text(query, "api_key") is { } key)
        {
            var keyHash = SpendParameters.KeyHashOf(key);
            days = days.Where(d => d.KeyHash == keyHash);
        }
        if (SpendParameters.Text(query, "model") is { } model)
            days = days.Where(d => d.Model == model || d.ModelGroup == model);

        var rows = await days.OrderByDescending(d => d.Date).ThenBy(d => d.Id).ToPagedListAsync(page, pageSize, ct);
        var keys = await KeyLabels(session, rows.Select(row => row.KeyHash).Distinct().ToArray(), ct);

        var totals = new ActivityMetrics();
        var results = new List<object>();
        foreach (var day in rows.GroupBy(row => row.Date))
        {
            var metrics = new ActivityMetrics();
            var breakdown = new ActivityBreakdown();
            foreach (var row in day)
            {
                metrics.Add(row);
                totals.Add(row);
                breakdown.Add(row, keys.GetValueOrDefault(row.KeyHash) ?? KeyLabel.Unknown);
            }
            results.Add(new { date = day.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), metrics, breakdown });
        }

        return Results.Json(new
        {
            results,
            metadata = new Dictionary<string, object>
            {
                ["total_spend"] = totals.Spend,
                ["total_prompt_tokens"] = totals.PromptTokens,
                ["total_completion_tokens"] = totals.CompletionTokens,
                ["total_tokens"] = totals.TotalTokens,
                ["total_api_requests"] = totals.ApiRequests,
                ["total_successful_requests"] = totals.SuccessfulRequests,
                ["total_failed_requests"] = totals.FailedRequests,
                ["total_cache_read_input_tokens"] = totals.CacheReadInputTokens,
                ["total_cache_creation_input_tokens"] = totals.CacheCreationInputTokens,
                ["total_response_time_ms"] = totals.TotalResponseTimeMs,
                ["total_timed_requests"] = totals.TimedRequests,
                ["page"] = page,
                ["total_pages"] = (int)rows.PageCount,
                ["has_more"] = rows.HasNextPage,
            },
        });
    }

    /// <summary>Who each key belongs to; a key since regenerated is found by its old hash too.</summary>
    static async Task<Dictionary<string, KeyLabel>> KeyLabels(IQuerySession session, string[] hashes, CancellationToken ct)
    {
        if (hashes.Length == 0)
            return [];
        var keys = await session.Query<VirtualKey>()
            .Where(k => k.KeyHash.IsOneOf(hashes) || k.PreviousKeyHash!.IsOneOf(hashes))
            .ToListAsync(ct);
        var labels = new Dictionary<string, KeyLabel>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            var label = new KeyLabel(k.KeyAlias, k.TeamId, k.UserId, KeyExists: !k.Revoked);
            labels[k.KeyHash] = label;
            if (k.PreviousKeyHash is { } previous)
                labels.TryAdd(previous, label);
        }
        return labels;
    }
}
