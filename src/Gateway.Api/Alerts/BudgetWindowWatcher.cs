using Gateway.Api.Limits;
using Microsoft.Extensions.Hosting;

namespace Gateway.Api.Alerts;

/// <summary>
/// Closes budget windows on time: every few seconds, asks the ledger to reset the windows that have ended, which
/// raises <see cref="BudgetAlertKind.WindowReset"/> for each. Runs on the injected clock, so tests move time.
/// </summary>
public sealed class BudgetWindowWatcher(BudgetLedger ledger, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                ledger.CloseEndedWindows(time.GetUtcNow());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
