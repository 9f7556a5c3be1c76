using Gateway.Api.Limits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Gateway.Api.Alerts;

/// <summary>
/// Takes alerts off the ledger's channel and records each through Wolverine (<see cref="RecordBudgetAlertHandler"/>),
/// retrying while the database is unreachable (for as long as it is: an alert noticed during an outage is recorded when
/// the database returns), so the hot path never waits on an alert.
/// </summary>
public sealed partial class BudgetAlertWriter(
    BudgetAlerts alerts, IServiceScopeFactory scopes, Events.DatabaseOutage outage, TimeProvider time, ILogger<BudgetAlertWriter> logger)
    : BackgroundService
{
    static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in alerts.Reader.ReadAllAsync(stoppingToken))
                await RecordAsync(RecordBudgetAlert.From(alert), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    async Task RecordAsync(RecordBudgetAlert alert, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(alert, ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && Events.DatabaseOutage.IsConnectionFailure(ex))
            {
                outage.Unreachable(ex);
                await Task.Delay(Backoff[Math.Min(attempt, Backoff.Length - 1)], time, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < Backoff.Length)
            {
                await Task.Delay(Backoff[attempt], time, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAlertLost(logger, alert.Kind, alert.Scope.ToString(), ex);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the {Kind} budget alert for {Scope}")]
    static partial void LogAlertLost(ILogger logger, BudgetAlertKind kind, string scope, Exception exception);
}
