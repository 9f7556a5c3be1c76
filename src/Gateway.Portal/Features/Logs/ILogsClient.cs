using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;
using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Logs;

/// <summary>
/// The request log (one row per call), newest first, and one call in full: everything for admins, their teams' calls
/// for team leads (another team's call is refused, also by its id).
/// </summary>
public interface ILogsClient
{
    Task<LogPage> ListAsync(SignedInUser who, LogQuery query, CancellationToken ct);

    /// <summary>One call from its own events (there as soon as the gateway wrote them, before the log's row).</summary>
    Task<PortalResult<LogDetails>> DetailsAsync(SignedInUser who, Guid requestId, CancellationToken ct);
}

/// <param name="Page">From 0.</param>
/// <param name="From">Calls that started on or after this UTC day.</param>
/// <param name="To">Calls that started on or before this UTC day.</param>
/// <param name="Key">Calls by keys whose alias or name contains this.</param>
/// <param name="Team">Calls through this team (exactly).</param>
/// <param name="Customer">Calls for this end user (exactly).</param>
/// <param name="Model">Calls to this model group (exactly).</param>
/// <param name="Status"><see cref="SpendLog.Success"/>, <see cref="SpendLog.Failure"/>, or null for both.</param>
public sealed record LogQuery(
    int Page,
    int PageSize,
    DateOnly? From = null,
    DateOnly? To = null,
    string? Key = null,
    string? Team = null,
    string? Customer = null,
    string? Model = null,
    string? Status = null);

public sealed record LogPage(IReadOnlyList<LogRow> Rows, int Total);

/// <param name="Key">The key's alias or name, as the portal knows it.</param>
public sealed record LogRow(SpendLog Call, string Key);

/// <summary>
/// Everything recorded about one call. For a served call the tokens, the unit prices applied and the price sheet's
/// version reproduce <see cref="Cost"/>; a failed call has its error instead (and no prices).
/// </summary>
/// <param name="Key">The key's alias or name ("(none)" when the call had no key).</param>
/// <param name="ApiBase">Where the deployment lives; admins only (a team lead has no business with upstream addresses).</param>
/// <param name="HttpStatus">What the caller got (499 when they went away).</param>
/// <param name="UsageEstimated">The upstream reported no usage, so the tokens were counted by the gateway.</param>
public sealed record LogDetails(
    Guid RequestId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string CallType,
    string Key,
    string? TeamId,
    string? UserId,
    string? CustomerId,
    string? ModelGroup,
    string? DeploymentId,
    string? Provider,
    string? Model,
    string? ApiBase,
    int PromptTokens,
    int CompletionTokens,
    int CachedTokens,
    int CacheCreationTokens,
    int ReasoningTokens,
    decimal Cost,
    ModelPrice? Prices,
    string? PriceSheetVersion,
    double LatencyMs,
    double? TimeToFirstTokenMs,
    bool Stream,
    int HttpStatus,
    bool UsageEstimated,
    string? ErrorType,
    string? ErrorMessage)
{
    public bool Succeeded => HttpStatus < 400 && ErrorType is null;
}
