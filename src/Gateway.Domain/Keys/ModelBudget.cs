namespace Gateway.Domain.Keys;

/// <summary>
/// One entry of a key's <c>model_max_budget</c>: at most <see cref="BudgetLimit"/> USD on that model per
/// <see cref="TimePeriod"/> (canonical duration text such as "1d"; null means the limit never resets).
/// </summary>
public sealed record ModelBudget(decimal BudgetLimit, string? TimePeriod);
