using Gateway.Domain.Audit;
using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Audit;

/// <summary>The cost audit (replaying calls from the event store), as the signed-in user may run it.</summary>
public interface IAuditClient
{
    /// <summary>
    /// Audits the calls of the request's UTC days, of one team (a team lead must name one of theirs) or of every team
    /// (admins), optionally of one key, recomputed with the request's prices.
    /// </summary>
    Task<PortalResult<AuditReport>> RunAsync(SignedInUser who, AuditRequest request, CancellationToken ct);

    /// <summary>
    /// Reads a price file (the gateway's <c>prices export</c> or LiteLLM's model_prices_and_context_window.json) to
    /// recompute audits with. It is held for recomputing only: nothing is published or charged by.
    /// </summary>
    Task<PortalResult<UploadedPriceSheet>> UploadPriceSheetAsync(SignedInUser who, string fileName, Stream content, CancellationToken ct);

    /// <summary>
    /// What a key (its alias, hash or plaintext), team or customer had spent at <paramref name="asOf"/>, by replaying
    /// its calls. Team leads may look up their teams and their teams' keys; customers are for admins.
    /// </summary>
    Task<PortalResult<SpendAt>> SpendAsOfAsync(SignedInUser who, SpendOwnerKind kind, string owner, DateTimeOffset asOf, CancellationToken ct);
}
