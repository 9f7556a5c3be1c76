namespace Gateway.Domain.Budgets;

/// <summary>The units LiteLLM accepts in <c>budget_duration</c> and a key's <c>duration</c>.</summary>
public enum BudgetDurationUnit
{
    Second,
    Minute,
    Hour,
    Day,
    Week,

    /// <summary>Calendar months: the same day of a later month, clamped to that month's last day.</summary>
    Month,
}
