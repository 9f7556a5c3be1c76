using Gateway.Domain.Audit;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Audit;

namespace Gateway.Portal.Tests.Fakes;

public sealed class FakeAuditClient : IAuditClient
{
    public List<(DateOnly From, DateOnly To, string? TeamId, bool Reprice)> Runs { get; } = [];

    public Task<PortalResult<AuditReport>> RunAsync(SignedInUser who, DateOnly from, DateOnly to, string? teamId, bool repriceWithCurrentSheet, CancellationToken ct)
    {
        Runs.Add((from, to, teamId, repriceWithCurrentSheet));
        var row = new AuditRow(from, "abc123", "checkout", teamId, "gpt-4o", 3, 300, 120, 1.5m, 1.5m, 1.2m);
        return Task.FromResult(PortalResult<AuditReport>.Ok(new AuditReport(
            new AuditQuery(from, to) { TeamId = teamId }, new AuditTotals(3, 1.5m, 1.5m, 1.2m), [row], 0, ["v1"], null, 0, [])));
    }
}
