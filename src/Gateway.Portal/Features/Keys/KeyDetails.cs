using Gateway.Domain.Budgets;

namespace Gateway.Portal.Features.Keys;

/// <summary>One key's page: its settings, what it spent, and everything that happened to it.</summary>
public sealed record KeyDetails(KeyRow Row, KeySpendSummary Spend, IReadOnlyList<KeyHistoryEntry> History);

/// <summary>
/// <see cref="Lifetime"/> and <see cref="InWindow"/> are exact (the request log plus events the rollups have not
/// reached yet); <see cref="Requests"/>, <see cref="PerModel"/> and <see cref="Days"/> come from the rollups.
/// </summary>
public sealed record KeySpendSummary(
    decimal Lifetime,
    decimal? InWindow,
    BudgetWindow? Window,
    long Requests,
    IReadOnlyDictionary<string, decimal> PerModel,
    IReadOnlyList<DaySpend> Days);

public sealed record DaySpend(DateOnly Day, decimal Spend, long Requests);

/// <summary>One event of the key's stream, in words: when, who, what, and which settings changed.</summary>
public sealed record KeyHistoryEntry(long Version, DateTimeOffset At, string By, string What, IReadOnlyList<string> Changes);
