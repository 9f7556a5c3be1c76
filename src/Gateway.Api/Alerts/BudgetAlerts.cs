using System.Threading.Channels;
using Gateway.Api.Limits;

namespace Gateway.Api.Alerts;

/// <summary>
/// The hand-off from the ledger (hot path, under a lock) to the <see cref="BudgetAlertWriter"/>: a bounded channel that
/// never blocks. Alerts are rare (once per scope and window); if thousands pile up at once, the oldest are kept and
/// the rest counted as dropped.
/// </summary>
public sealed class BudgetAlerts : IBudgetAlertSink
{
    readonly Channel<BudgetAlert> _channel = Channel.CreateBounded<BudgetAlert>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    long _dropped;

    public ChannelReader<BudgetAlert> Reader => _channel.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Raise(in BudgetAlert alert)
    {
        if (!_channel.Writer.TryWrite(alert))
            Interlocked.Increment(ref _dropped);
    }

    public void Complete() => _channel.Writer.TryComplete();
}
