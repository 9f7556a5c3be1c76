using Gateway.Domain;
using Gateway.Domain.Spend;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Logs;

namespace Gateway.Portal.Tests.Fakes;

/// <summary>Calls kept in a list; records the queries the page sent.</summary>
public sealed class FakeLogsClient : ILogsClient
{
    public static readonly DateTimeOffset Started = new(2026, 11, 20, 14, 30, 5, TimeSpan.Zero);

    public List<LogRow> Rows { get; } = [];
    public List<LogQuery> Queries { get; } = [];
    public Exception? ListFails { get; set; }

    /// <summary>What DetailsAsync answers; a task not yet finished keeps the page loading.</summary>
    public Task<PortalResult<LogDetails>>? Details { get; set; }

    public static LogRow Call(string key, string? team, string status = SpendLog.Success, decimal spend = 0.0021m) => new(new SpendLog
    {
        Id = Guid.CreateVersion7(),
        KeyHash = "hash-" + key,
        TeamId = team,
        ModelGroup = "gpt-4o",
        Model = "gpt-4o-2024-08-06",
        Provider = "openai",
        ModelId = "deployment-1",
        PromptTokens = 120,
        CompletionTokens = 30,
        Spend = spend,
        StartTime = Started,
        EndTime = Started.AddMilliseconds(850),
        LatencyMs = 850,
        Status = status,
        HttpStatus = status == SpendLog.Success ? 200 : 429,
        ErrorMessage = status == SpendLog.Success ? null : "Rate limit exceeded",
    }, key);

    public Task<LogPage> ListAsync(SignedInUser who, LogQuery query, CancellationToken ct)
    {
        Queries.Add(query);
        if (ListFails is not null)
            throw ListFails;
        var rows = Rows.Where(r => who.MayManageTeam(r.Call.TeamId)).ToList();
        return Task.FromResult(new LogPage(rows, rows.Count));
    }

    public Task<PortalResult<LogDetails>> DetailsAsync(SignedInUser who, Guid requestId, CancellationToken ct) =>
        Details ?? Task.FromResult(PortalResult<LogDetails>.Refused(RejectionKind.NotFound, $"There is no call {requestId}."));
}
