using System.Globalization;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain.Spend;
using Gateway.Domain.Teams;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Spend;

/// <summary>
/// LiteLLM's <c>GET /global/spend/report?start_date=&amp;end_date=&amp;group_by=team|customer|api_key</c> (enterprise-only
/// there, free here), read from the daily rollup. The shapes are LiteLLM's:
/// <list type="bullet">
/// <item><c>group_by=team</c> (the default): per day, <c>{group_by_day, teams:[{team_name, total_spend, metadata:[{model,
/// api_key, spend, total_tokens}]}]}</c>; a team without an alias shows its id, calls without a team "Unassigned Team".</item>
/// <item><c>group_by=customer</c>: the same with <c>customers:[{customer, …}]</c>.</item>
/// <item><c>group_by=api_key</c>, or any <c>api_key</c> / <c>internal_user_id</c> filter: per key, most spent first,
/// <c>{api_key, total_cost, total_input_tokens, total_output_tokens, model_details:[…]}</c>.</item>
/// <item><c>team_id</c> and <c>customer_id</c> together: per day, <c>teams_customers:[{team_name, customer, …}]</c>.</item>
/// </list>
/// <c>team_id</c> or <c>customer_id</c> alone also filter (LiteLLM ignores them alone). Both dates are required and both
/// days are reported whole.
/// </summary>
public static class GlobalSpendReportEndpoint
{
    const string Unassigned = "Unassigned Team";

    [WolverineGet("/global/spend/report")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, HttpRequest request, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();

        var query = request.Query;
        if (SpendParameters.Days(query, out var first, out var last) is { } badDays)
            return badDays.AsResult();
        var groupBy = SpendParameters.Text(query, "group_by") ?? "team";
        if (groupBy is not ("team" or "customer" or "api_key"))
            return ApiError.InvalidField("group_by", "expected team, customer or api_key").AsResult();

        var keyHash = SpendParameters.Text(query, "api_key") is { } key ? SpendParameters.KeyHashOf(key) : null;
        var userId = SpendParameters.Text(query, "internal_user_id");
        var teamId = SpendParameters.Text(query, "team_id");
        var customerId = SpendParameters.Text(query, "customer_id");

        IQueryable<DailySpend> days = session.Query<DailySpend>().Where(d => d.Date >= first && d.Date <= last);
        if (keyHash is not null)
            days = days.Where(d => d.KeyHash == keyHash);
        if (userId is not null)
            days = days.Where(d => d.UserId == userId);
        if (teamId is not null)
            days = days.Where(d => d.TeamId == teamId);
        if (customerId is not null)
            days = days.Where(d => d.EndUser == customerId);
        var rows = await days.ToListAsync(ct);

        // LiteLLM's precedence: a key or user filter, then team and customer together, then group_by.
        var teamAndCustomer = teamId is not null && customerId is not null;
        if (keyHash is not null || userId is not null || (groupBy == "api_key" && !teamAndCustomer))
            return Results.Json(PerKey(rows));
        if (groupBy == "customer" && !teamAndCustomer)
        {
            return Results.Json(PerDay(rows, "customers", row => row.EndUser ?? "", (customer, spend, metadata) => new()
            {
                ["customer"] = customer,
                ["total_spend"] = spend,
                ["metadata"] = metadata,
            }));
        }

        var names = await TeamNames(session, rows, ct);
        if (teamAndCustomer)
        {
            return Results.Json(PerDay(rows, "teams_customers", row => (row.TeamId, Customer: row.EndUser ?? ""), (group, spend, metadata) => new()
            {
                ["team_name"] = TeamName(names, group.TeamId),
                ["customer"] = group.Customer,
                ["total_spend"] = spend,
                ["metadata"] = metadata,
            }));
        }
        return Results.Json(PerDay(rows, "teams", row => row.TeamId ?? "", (team, spend, metadata) => new()
        {
            ["team_name"] = TeamName(names, team),
            ["total_spend"] = spend,
            ["metadata"] = metadata,
        }));
    }

    /// <summary>
    /// One entry per day that had calls, oldest first: <c>{group_by_day, &lt;list&gt;: [one object per group]}</c>, each
    /// group's calls itemised per (model, key). Groups within a day come most spent first.
    /// </summary>
    static List<Dictionary<string, object>> PerDay<TGroup>(IReadOnlyList<DailySpend> rows, string listName, Func<DailySpend, TGroup> groupOf,
        Func<TGroup, decimal, List<Dictionary<string, object>>, Dictionary<string, object>> describe) where TGroup : notnull =>
        rows.GroupBy(row => row.Date).OrderBy(day => day.Key).Select(day => new Dictionary<string, object>
        {
            // LiteLLM's SQL returns date_trunc('day', startTime): a timestamp at midnight.
            ["group_by_day"] = day.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00+00:00",
            [listName] = day.GroupBy(groupOf)
                .Select(group => (group.Key, Spend: group.Sum(row => row.Spend), Rows: group))
                .OrderByDescending(group => group.Spend)
                .Select(group => describe(group.Key, group.Spend, Itemised(group.Rows)))
                .ToList(),
        }).ToList();

    static List<Dictionary<string, object>> Itemised(IEnumerable<DailySpend> rows) =>
        rows.GroupBy(row => (row.Model, row.KeyHash))
            .Select(item => new Dictionary<string, object>
            {
                ["model"] = item.Key.Model,
                ["api_key"] = item.Key.KeyHash,
                ["spend"] = item.Sum(row => row.Spend),
                ["total_tokens"] = item.Sum(row => row.TotalTokens),
            })
            .OrderByDescending(item => (decimal)item["spend"])
            .ToList();

    /// <summary>Per key over the whole range, most spent first, with the spend per model.</summary>
    static List<Dictionary<string, object>> PerKey(IReadOnlyList<DailySpend> rows) =>
        rows.GroupBy(row => row.KeyHash)
            .Select(key => new Dictionary<string, object>
            {
                ["api_key"] = key.Key,
                ["total_cost"] = key.Sum(row => row.Spend),
                ["total_input_tokens"] = key.Sum(row => row.PromptTokens),
                ["total_output_tokens"] = key.Sum(row => row.CompletionTokens),
                ["model_details"] = key.GroupBy(row => row.Model)
                    .Select(model => new Dictionary<string, object>
                    {
                        ["model"] = model.Key,
                        ["total_cost"] = model.Sum(row => row.Spend),
                        ["total_input_tokens"] = model.Sum(row => row.PromptTokens),
                        ["total_output_tokens"] = model.Sum(row => row.CompletionTokens),
                    })
                    .OrderByDescending(model => (decimal)model["total_cost"])
                    .ToList(),
            })
            .OrderByDescending(key => (decimal)key["total_cost"])
            .ToList();

    static async Task<Dictionary<string, string?>> TeamNames(IQuerySession session, IReadOnlyList<DailySpend> rows, CancellationToken ct)
    {
        var ids = rows.Select(row => row.TeamId).OfType<string>().Distinct().ToArray();
        if (ids.Length == 0)
            return [];
        var teams = await session.Query<Team>().Where(team => team.TeamId.IsOneOf(ids)).ToListAsync(ct);
        return teams.ToDictionary(team => team.TeamId, team => team.Alias, StringComparer.Ordinal);
    }

    static string TeamName(Dictionary<string, string?> names, string? teamId) =>
        string.IsNullOrEmpty(teamId) ? Unassigned : names.GetValueOrDefault(teamId) ?? teamId;
}
