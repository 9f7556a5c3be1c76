using Gateway.Domain.Spend;
using JasperFx.Events;
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
        return options;
    }

    static void ConfigureSpend(this StoreOptions options)
    {
        options.Events.AddEventType<RequestCompleted>();
        options.Events.AddEventType<RequestFailed>();
    }
}
