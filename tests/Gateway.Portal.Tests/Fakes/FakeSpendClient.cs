using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Spend;

namespace Gateway.Portal.Tests.Fakes;

public sealed class FakeSpendClient : ISpendClient
{
    public SpendOverview Overview { get; set; } = new(0, 0, [], [], [], []);
    public Func<DateOnly, DateOnly, UsageReport>? Usage { get; set; }
    public Exception? UsageFails { get; set; }
    public List<(SignedInUser Who, DateOnly From, DateOnly To)> UsageAsked { get; } = [];

    public Task<SpendOverview> OverviewAsync(SignedInUser who, CancellationToken ct) => Task.FromResult(Overview);

    public Task<UsageReport> UsageAsync(SignedInUser who, DateOnly from, DateOnly to, CancellationToken ct)
    {
        UsageAsked.Add((who, from, to));
        if (UsageFails is not null)
            throw UsageFails;
        return Task.FromResult(Usage?.Invoke(from, to) ?? UsageReport.Empty(from, to));
    }
}
