using Gateway.Domain.Spend;
using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Logs;

/// <summary>The request log (one row per call), newest first: everything for admins, their teams' calls for team leads.</summary>
public interface ILogsClient
{
    Task<LogPage> ListAsync(SignedInUser who, LogQuery query, CancellationToken ct);
}

/// <param name="Page">From 0.</param>
/// <param name="Model">Only calls to this model group.</param>
/// <param name="FailuresOnly">Only calls that failed.</param>
public sealed record LogQuery(int Page, int PageSize, string? Model = null, bool FailuresOnly = false);

public sealed record LogPage(IReadOnlyList<LogRow> Rows, int Total);

/// <param name="Key">The key's alias or name, as the portal knows it.</param>
public sealed record LogRow(SpendLog Call, string Key);
