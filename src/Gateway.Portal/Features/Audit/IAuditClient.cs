using Gateway.Domain.Audit;
using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Audit;

/// <summary>The cost audit (replaying a period's calls from the event store), as the signed-in user may run it.</summary>
public interface IAuditClient
{
    /// <summary>
    /// Audits the calls of [<paramref name="from"/>, <paramref name="to"/>] (UTC days) of one team, or of every team
    /// for an admin (<paramref name="teamId"/> null). With <paramref name="repriceWithCurrentSheet"/>, costs are
    /// recomputed with the price sheet the gateway charges by now; otherwise with each call's recorded prices.
    /// </summary>
    Task<PortalResult<AuditReport>> RunAsync(SignedInUser who, DateOnly from, DateOnly to, string? teamId, bool repriceWithCurrentSheet, CancellationToken ct);
}
