using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Spend;

/// <summary>Spend as the signed-in user may see it: everything for admins, their teams' for team leads.</summary>
public interface ISpendClient
{
    Task<SpendOverview> OverviewAsync(SignedInUser who, CancellationToken ct);

    /// <summary>Spend per UTC day from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    Task<UsageReport> UsageAsync(SignedInUser who, DateOnly from, DateOnly to, CancellationToken ct);
}

/// <summary>
/// The overview page. <see cref="Today"/>, <see cref="ThisMonth"/> and the teams' budget use are exact (request log
/// plus events not yet rolled up); the top lists come from the daily rollup.
/// </summary>
public sealed record SpendOverview(
    decimal Today,
    decimal ThisMonth,
    IReadOnlyList<TeamBudgetUse> Teams,
    IReadOnlyList<SpendShare> TopModels,
    IReadOnlyList<SpendShare> TopKeys,
    IReadOnlyList<BudgetAlertRow> RecentlyExceeded);

/// <summary>A team's spend in its current budget window (all time when its budget never resets).</summary>
public sealed record TeamBudgetUse(string TeamId, string? Alias, decimal Spend, decimal? MaxBudget, string? BudgetDuration, DateTimeOffset? ResetsAt)
{
    /// <summary>Spend as a share of the budget, 0–100 (capped); null without a budget.</summary>
    public double? Percent => MaxBudget is { } max && max > 0 ? (double)Math.Min(100m, Spend / max * 100m) : null;
}

public sealed record SpendShare(string Name, decimal Spend, long Requests);

/// <summary>A <c>BudgetExceeded</c> event in words.</summary>
public sealed record BudgetAlertRow(DateTimeOffset At, string Whose, decimal Spend, decimal MaxBudget);

public sealed record UsageReport(
    DateOnly From,
    DateOnly To,
    decimal Total,
    long Requests,
    IReadOnlyList<UsageDay> Days,
    IReadOnlyList<UsageRow> ByKey,
    IReadOnlyList<UsageRow> ByModel);

/// <summary>One day's spend per model group (every day of the range is present, quiet ones at zero).</summary>
public sealed record UsageDay(DateOnly Day, IReadOnlyDictionary<string, decimal> ByModel)
{
    public decimal Total => ByModel.Values.Sum();
}

public sealed record UsageRow(string Name, string? Team, decimal Spend, long Requests, long PromptTokens, long CompletionTokens);
