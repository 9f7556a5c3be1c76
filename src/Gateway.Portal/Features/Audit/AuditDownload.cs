using System.Text;
using Gateway.Domain;
using Gateway.Domain.Audit;
using Gateway.Portal.Features.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Portal.Features.Audit;

/// <summary>
/// The audit page's CSV download: a plain GET (a file, not a circuit message), signed in by the portal's cookie, that
/// runs the same audit through <see cref="IAuditClient"/> and so the same rights checks: a team lead gets only their
/// teams' rows, and a link naming another team is refused with 403.
/// </summary>
public static class AuditDownload
{
    public const string Path = PortalRegistration.BasePath + "/audit/csv";

    public static IEndpointConventionBuilder MapAuditDownload(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, DownloadAsync).RequireAuthorization();

    static async Task<IResult> DownloadAsync(HttpContext context, IPortalAccounts accounts, IAuditClient audit)
    {
        var ct = context.RequestAborted;
        if (await accounts.ResolveAsync(context.User, ct) is not { } who)
            return Problem(StatusCodes.Status403Forbidden, PortalRights.NoLongerAllowed);
        var (request, problem) = AuditRequest.FromQuery(context.Request.Query);
        if (request is null)
            return Problem(StatusCodes.Status400BadRequest, problem!);

        var report = await audit.RunAsync(who, request, ct);
        if (report.Refusal is { } refusal)
        {
            return Problem(refusal.Kind switch
            {
                RejectionKind.Forbidden => StatusCodes.Status403Forbidden,
                RejectionKind.NotFound => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status400BadRequest,
            }, refusal.Message);
        }
        return Results.File(Encoding.UTF8.GetBytes(AuditReportFormats.Csv(report.Value!)), "text/csv; charset=utf-8", request.FileName);
    }

    // A person reads this in their browser's tab: the reason, in words.
    static IResult Problem(int status, string message) => Results.Text(message, "text/plain; charset=utf-8", Encoding.UTF8, status);
}
