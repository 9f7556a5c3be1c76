namespace Gateway.Api.Events;

/// <summary>
/// Told by the <see cref="EventWriter"/> of each batch before it appends it (budget leases charge the batch's costs
/// first, so what they count never falls behind the store). Must not throw, and must not wait long on a database that is away.
/// </summary>
public interface IBatchCharges
{
    Task ChargeAsync(IReadOnlyList<PendingEvent> batch, CancellationToken ct);
}
