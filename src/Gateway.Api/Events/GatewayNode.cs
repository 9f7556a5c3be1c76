namespace Gateway.Api.Events;

/// <summary>
/// This running gateway among others on the same database. The events it writes for calls carry its id (as the
/// <see cref="Header"/> event header), so each node can tell the calls it settled itself from the calls it must learn of.
/// </summary>
public sealed record GatewayNode(Guid Id)
{
    public const string Header = "gateway-node";

    public static GatewayNode New() => new(Guid.CreateVersion7());
}
