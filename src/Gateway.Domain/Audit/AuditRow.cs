namespace Gateway.Domain.Audit;

/// <summary>
/// One key's calls to one model group on one UTC day (under one team): what the calls recorded, what their tokens
/// cost when recomputed, and what the daily spend projection holds for them. <see cref="Key"/> is the key's hash as
/// the calls recorded it; <see cref="Model"/> is the model group the caller asked for.
/// </summary>
public sealed record AuditRow(
    DateOnly Day,
    string? Key,
    string? KeyAlias,
    string? Team,
    string Model,
    long Requests,
    long PromptTokens,
    long CompletionTokens,
    decimal RecordedCost,
    decimal RecomputedCost,
    decimal ProjectedCost)
{
    /// <summary>The projection holds what the events say: anything else is an incident.</summary>
    public bool ProjectionAgrees => RecordedCost == ProjectedCost;
}

/// <summary>The sums over every row. <see cref="Difference"/> is what the recomputation changes: recomputed minus recorded.</summary>
public sealed record AuditTotals(long Requests, decimal RecordedCost, decimal RecomputedCost, decimal ProjectedCost)
{
    public decimal Difference => RecomputedCost - RecordedCost;
}
