using Gateway.Domain.Budgets;

namespace Gateway.Api.Limits;

public enum BudgetAlertKind
{
    /// <summary>Spend reached the maximum, or a call was refused for it.</summary>
    Exceeded,

    /// <summary>Spend reached the soft budget.</summary>
    SoftCrossed,

    /// <summary>A recurring budget's window ended.</summary>
    WindowReset,
}

/// <summary>
/// Something the ledger noticed about a budget, once per scope and window on this node. The alert writer records it
/// as an event (once across all nodes) and sends the webhook.
/// </summary>
/// <param name="Threshold">The maximum or soft budget crossed; zero for a reset.</param>
public readonly record struct BudgetAlert(BudgetAlertKind Kind, BudgetScope Scope, decimal Spend, decimal Threshold, BudgetWindow? Window, DateTimeOffset At);

/// <summary>Where the ledger reports alerts; must not block (the ledger calls it under a lock, on the hot path).</summary>
public interface IBudgetAlertSink
{
    void Raise(in BudgetAlert alert);
}
