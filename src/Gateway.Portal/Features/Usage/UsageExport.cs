using System.Globalization;
using System.Text;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Spend;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Portal.Features.Usage;

/// <summary>
/// <c>GET /ui/usage/export?from=YYYY-MM-DD&amp;to=YYYY-MM-DD&amp;by=model|key|team</c>: the usage page's data as a CSV
/// download. A plain request with the portal's cookie (a browser download cannot go through the circuit); who is asking
/// is resolved from the store as on every page, and <see cref="ISpendClient"/> limits a team lead to their teams.
/// </summary>
public static class UsageExport
{
    public const string Path = PortalRegistration.BasePath + "/usage/export";

    public static string Address(DateOnly from, DateOnly to, UsageGrouping by) =>
        FormattableString.Invariant($"{Path}?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&by={UsageCsv.Column(by)}");

    public static IEndpointConventionBuilder MapUsageExport(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, (Delegate)ExportAsync).RequireAuthorization();

    static async Task<IResult> ExportAsync(HttpContext context, IPortalAccounts accounts, ISpendClient spend, CancellationToken ct)
    {
        if (await accounts.ResolveAsync(context.User, ct) is not { } who)
            return Results.Text(PortalRights.NoLongerAllowed, statusCode: StatusCodes.Status403Forbidden);
        var query = context.Request.Query;
        if (!TryDay(query["from"], out var from) || !TryDay(query["to"], out var to))
            return Results.Text("Give from and to as dates, YYYY-MM-DD (UTC days, both included).", statusCode: StatusCodes.Status400BadRequest);
        if (!Enum.TryParse<UsageGrouping>(query["by"].ToString() is { Length: > 0 } by ? by : "model", ignoreCase: true, out var grouping)
            || !Enum.IsDefined(grouping))
            return Results.Text("Give by as model, key or team.", statusCode: StatusCodes.Status400BadRequest);

        var report = await spend.UsageAsync(who, from, to, ct);
        var name = FormattableString.Invariant($"usage-by-{UsageCsv.Column(grouping)}-{report.From:yyyy-MM-dd}-{report.To:yyyy-MM-dd}.csv");
        return Results.File(Encoding.UTF8.GetBytes(UsageCsv.Write(report, grouping)), "text/csv; charset=utf-8", name);
    }

    static bool TryDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
