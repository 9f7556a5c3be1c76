using Gateway.Domain;
using Gateway.Domain.Audit;
using Gateway.Domain.Pricing;
using Gateway.Portal.Features.Access;
using Marten;

namespace Gateway.Portal.Features.Audit;

/// <summary>
/// <see cref="IAuditClient"/> on the gateway's <see cref="CostAudit"/> (registered by the host with its deployments'
/// prices) and the sheet it charges by (<see cref="ActivePriceSheet"/>, when the host has one).
/// </summary>
public sealed class AuditClient(IDocumentStore store, CostAudit audit, ActivePriceSheet? activeSheet = null) : IAuditClient
{
    /// <summary>A replay reads every event of the period; a year is the most one page asks for.</summary>
    public const int MaxDays = 366;

    public async Task<PortalResult<AuditReport>> RunAsync(SignedInUser who, DateOnly from, DateOnly to, string? teamId, bool repriceWithCurrentSheet, CancellationToken ct)
    {
        await using (var session = store.QuerySession())
        {
            if (await PortalRights.NowAsync(session, who, ct) is not { } now)
                return PortalResult<AuditReport>.Forbidden(PortalRights.NoLongerAllowed);
            if (teamId is null && !now.IsAdmin)
                return PortalResult<AuditReport>.Refused(RejectionKind.Invalid, "Choose one of your teams to audit.", "team_id");
            if (!now.MayManageTeam(teamId))
                return PortalResult<AuditReport>.Forbidden($"You do not lead team {teamId}, so you cannot audit it.");
        }
        if (to < from)
            (from, to) = (to, from);
        if (to.DayNumber - from.DayNumber + 1 > MaxDays)
            return PortalResult<AuditReport>.Refused(RejectionKind.Invalid, $"Audit at most {MaxDays} days at a time.", "to");
        if (repriceWithCurrentSheet && activeSheet is null)
            return PortalResult<AuditReport>.Refused(RejectionKind.Invalid, "This gateway does not say which price sheet it charges by.", "prices");

        var query = new AuditQuery(from, to)
        {
            TeamId = teamId,
            Prices = repriceWithCurrentSheet ? audit.RepricingWith(activeSheet!.Sheet) : null,
        };
        return PortalResult<AuditReport>.Ok(await audit.RunAsync(query, ct));
    }
}
