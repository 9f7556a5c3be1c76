using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Reliability;

/// <summary>What the gateway's database holds about calls, read straight from Marten's event table.</summary>
static class StoredCalls
{
    /// <summary>A stored RequestCompleted: the call id (its stream), status, cost, and how long after the call ended it was stored.</summary>
    public sealed record Stored(Guid CallId, int Status, decimal Cost, TimeSpan StoredAfter);

    /// <summary>Every RequestCompleted in the database. A call's stream id is its x-litellm-call-id.</summary>
    public static async Task<IReadOnlyDictionary<Guid, Stored>> CompletedAsync(string databaseUrl)
    {
        await using var connection = await GatewayProcess.OpenDatabaseAsync(databaseUrl);
        await using var command = new Npgsql.NpgsqlCommand(
            $"""
            select stream_id, (data ->> 'Status')::int, (data ->> 'Cost')::numeric, extract(epoch from (timestamp - (data ->> 'At')::timestamptz))
            from {Gateway.Domain.Configuration.SchemaName}.mt_events where type = 'request_completed'
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var stored = new Dictionary<Guid, Stored>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            stored[reader.GetGuid(0)] = new Stored(reader.GetGuid(0), reader.GetInt32(1), reader.GetDecimal(2), TimeSpan.FromSeconds((double)reader.GetDecimal(3)));
        return stored;
    }
}
