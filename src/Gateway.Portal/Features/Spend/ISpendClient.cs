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

/// <summary>Spend and tokens per UTC day of a range, and the range's totals per key, model and team.</summary>
public sealed record UsageReport(
    DateOnly From,
    DateOnly To,
    decimal Total,
    long Requests,
    IReadOnlyList<UsageDay> Days,
    IReadOnlyList<UsageRow> ByKey,
    IReadOnlyList<UsageRow> ByModel,
    IReadOnlyList<UsageRow> ByTeam)
{
    public static UsageReport Empty(DateOnly from, DateOnly to) => new(from, to, 0, 0, [], [], [], []);

    /// <summary>The range's totals in one grouping, costliest first.</summary>
    public IReadOnlyList<UsageRow> Totals(UsageGrouping by) => by switch
    {
        UsageGrouping.Key => ByKey,
        UsageGrouping.Team => ByTeam,
        _ => ByModel,
    };
}

/// <summary>How usage is broken down: by model group, by key, or by team.</summary>
public enum UsageGrouping
{
    Model,
    Key,
    Team,
}

/// <summary>What some calls cost and used.</summary>
public sealed record UsageAmount(decimal Spend, long Requests, long PromptTokens, long CompletionTokens)
{
    public static readonly UsageAmount None = new(0, 0, 0, 0);

    public UsageAmount Add(UsageAmount other) =>
        new(Spend + other.Spend, Requests + other.Requests, PromptTokens + other.PromptTokens, CompletionTokens + other.CompletionTokens);
}

/// <summary>
/// One UTC day: its calls per model group, per key (by name) and per team (every day of the range is present, quiet ones
/// empty). Each breakdown covers all the day's calls, so any of them sums to the day's totals.
/// </summary>
public sealed record UsageDay(
    DateOnly Day,
    IReadOnlyDictionary<string, UsageAmount> ByModel,
    IReadOnlyDictionary<string, UsageAmount> ByKey,
    IReadOnlyDictionary<string, UsageAmount> ByTeam)
{
    public decimal Total => ByModel.Values.Sum(a => a.Spend);
    public long Requests => ByModel.Values.Sum(a => a.Requests);
    public long PromptTokens => ByModel.Values.Sum(a => a.PromptTokens);
    public long CompletionTokens => ByModel.Values.Sum(a => a.CompletionTokens);

    public IReadOnlyDictionary<string, UsageAmount> By(UsageGrouping by) => by switch
    {
        UsageGrouping.Key => ByKey,
        UsageGrouping.Team => ByTeam,
        _ => ByModel,
    };
}

/// <param name="Name">The model group, the key's alias (or name), or the team id; see <see cref="UsageNames"/> for the placeholders.</param>
public sealed record UsageRow(string Name, string? Team, decimal Spend, long Requests, long PromptTokens, long CompletionTokens);

/// <summary>The names usage gives to calls without a model, key or team.</summary>
public static class UsageNames
{
    public const string NoModel = "(before routing)";
    public const string NoKey = "(no key)";
    public const string NoTeam = "(no team)";
}
