namespace Gateway.Domain.Budgets;

/// <summary>A budget was reached, or a call was refused because it would have gone over. Once per scope and window.</summary>
public sealed record BudgetExceeded(BudgetScope Scope, decimal Spend, decimal MaxBudget, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, DateTimeOffset At);

/// <summary>Spend reached the soft budget, which warns but never refuses. Once per scope and window.</summary>
public sealed record SoftBudgetCrossed(BudgetScope Scope, decimal Spend, decimal SoftBudget, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, DateTimeOffset At);

/// <summary>
/// A recurring budget's window ended: spend counts from zero again. <see cref="Spend"/> is what the closed window had
/// seen on the node that recorded the reset. Once per scope and window.
/// </summary>
public sealed record BudgetWindowReset(BudgetScope Scope, decimal Spend, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, DateTimeOffset At);
