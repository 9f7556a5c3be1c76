using Gateway.Api.Limits;
using Gateway.Domain;
using Gateway.Domain.Budgets;
using Marten;
using Wolverine;

namespace Gateway.Api.Alerts;

/// <summary>Record a budget alert the ledger noticed, once across all nodes, and send its webhook.</summary>
public sealed record RecordBudgetAlert(BudgetAlertKind Kind, BudgetScope Scope, decimal Spend, decimal Threshold,
    DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, DateTimeOffset At)
{
    public static RecordBudgetAlert From(in BudgetAlert alert) =>
        new(alert.Kind, alert.Scope, alert.Spend, alert.Threshold, alert.Window?.Start, alert.Window?.End, alert.At);

    /// <summary>The alert's own stream: the same scope, window and kind always name the same stream.</summary>
    public Guid StreamId => StreamIds.BudgetAlert(Kind switch
    {
        BudgetAlertKind.Exceeded => "exceeded",
        BudgetAlertKind.SoftCrossed => "soft",
        _ => "reset",
    }, Scope, WindowStart);

    public object ToEvent() => Kind switch
    {
        BudgetAlertKind.Exceeded => new BudgetExceeded(Scope, Spend, Threshold, WindowStart, WindowEnd, At),
        BudgetAlertKind.SoftCrossed => new SoftBudgetCrossed(Scope, Spend, Threshold, WindowStart, WindowEnd, At),
        _ => new BudgetWindowReset(Scope, Spend, WindowStart!.Value, WindowEnd!.Value, At),
    };
}

/// <summary>
/// Starts the alert's stream (a second node noticing the same alert finds it started, or fails to start it, and
/// stops there) and, in the same transaction through Wolverine's durable outbox, queues the webhook.
/// </summary>
public static class RecordBudgetAlertHandler
{
    public static async Task<OutgoingMessages> Handle(RecordBudgetAlert alert, IDocumentSession session, BudgetWebhooks webhooks, CancellationToken ct)
    {
        var messages = new OutgoingMessages();
        if (await session.Events.FetchStreamStateAsync(alert.StreamId, ct) is not null)
            return messages;

        session.Events.StartStream(alert.StreamId, alert.ToEvent());
        if (await webhooks.ForAsync(alert, ct) is { } webhook)
            messages.Add(webhook);
        return messages;
    }
}
