using Gateway.Domain.Keys;
using Gateway.Domain.Spend;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;

namespace Gateway.Domain;

/// <summary>Registers the domain with Marten, feature by feature, in one place.</summary>
public static class Configuration
{
    public const string SchemaName = "gateway";

    public static StoreOptions ConfigureGateway(this StoreOptions options)
    {
        options.DatabaseSchemaName = SchemaName;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // Every request is its own stream and only the single event writer appends, so the quick append path is safe.
        options.Events.AppendMode = EventAppendMode.Quick;
        options.ConfigureSpend();
        options.ConfigureKeys();
        return options;
    }

    static void ConfigureKeys(this StoreOptions options)
    {
        options.Events.AddEventType<KeyIssued>();
        options.Events.AddEventType<KeyUpdated>();
        options.Events.AddEventType<KeyBlocked>();
        options.Events.AddEventType<KeyUnblocked>();
        options.Events.AddEventType<KeyRegenerated>();
        options.Events.AddEventType<KeyRevoked>();
        // The admin API reads its own writes, and a key's stream has one writer at a time: inline is exact here.
        options.Projections.Snapshot<VirtualKey>(SnapshotLifecycle.Inline);
        // A key unknown to this node's memory is looked up once by its hash (issued on another node).
        options.Schema.For<VirtualKey>().Index(key => key.KeyHash).Index(key => key.KeyAlias!);
    }

    static void ConfigureSpend(this StoreOptions options)
    {
        options.Events.AddEventType<RequestCompleted>();
        options.Events.AddEventType<RequestFailed>();
    }
}
