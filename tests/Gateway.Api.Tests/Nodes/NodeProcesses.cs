using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Api.Tests.Infrastructure;
using Npgsql;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// What the tests of several gateway processes on one database share: their config, admin and chat calls, and what the
/// database says about the async daemon (which node holds the projections, how far they got).
/// </summary>
static class NodeProcesses
{
    /// <summary>The built-in mock model, and one on a paced fake upstream for background load.</summary>
    public static string Config(FakeOpenAI upstream) => $$"""
        model_list:
          - model_name: mock-gpt
            litellm_params: { model: mock/mock-gpt }
          - model_name: paced
            litellm_params: { model: openai/paced, api_base: "{{upstream.BaseUrl}}", api_key: sk-upstream }
        """;

    /// <summary>
    /// Starts a node whose database sessions carry <paramref name="name"/> as their application_name, so pg_locks tells
    /// which node holds what (as docs/multi-node.md advises operators to do).
    /// </summary>
    public static Task<GatewayProcess> StartAsync(PostgresFixture postgres, string database, FakeOpenAI upstream, string name,
        IReadOnlyDictionary<string, string>? environment = null) =>
        GatewayProcess.StartAsync(postgres, $"{database};Application Name={name}", Config(upstream), name, environment);

    /// <summary>An admin command with the master key; its JSON answer (it must succeed).</summary>
    public static async Task<JsonElement> AdminAsync(this GatewayProcess node, string path, object body)
    {
        using var response = await node.Client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{path} on {node.Name}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A short mock chat call as <paramref name="key"/>: its status and call id.</summary>
    public static async Task<(int Status, Guid? CallId)> ChatAsync(this GatewayProcess node, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "mock-gpt", max_tokens = 10, messages = new[] { new { role = "user", content = "Hi" } } }),
        };
        request.Headers.Authorization = new("Bearer", key);
        using var response = await node.Client.SendAsync(request, TestContext.Current.CancellationToken);
        await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var callId = response.Headers.TryGetValues("x-litellm-call-id", out var ids) ? Guid.Parse(ids.First()) : (Guid?)null;
        return ((int)response.StatusCode, callId);
    }

    /// <summary>Waits for <paramref name="condition"/>; how long it took.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? context = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
                Assert.Fail($"{what} did not happen within {timeout.TotalSeconds} s{(context is null ? "" : ":\n" + context())}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// The node (by application_name) holding the leadership lock of every async projection — Marten's HotCold daemon
    /// takes one PostgreSQL advisory lock per projection shard — or null while no single node holds them all.
    /// </summary>
    public static async Task<string?> ProjectionLeaderAsync(string database)
    {
        await using var connection = await GatewayProcess.OpenDatabaseAsync(database);
        var shards = await ShardsAsync(connection);
        if (shards == 0)
            return null;
        await using var command = new NpgsqlCommand(
            """
            select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
              and a.application_name like 'node-%'
            group by a.application_name having count(*) >= @shards
            """, connection);
        command.Parameters.AddWithValue("shards", shards);
        var leaders = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            leaders.Add(reader.GetString(0));
        return leaders is [var leader] ? leader : null;
    }

    /// <summary>The least progress any async projection has made (its last applied event sequence).</summary>
    public static async Task<long> SlowestProjectionAsync(string database)
    {
        await using var connection = await GatewayProcess.OpenDatabaseAsync(database);
        await using var command = new NpgsqlCommand(
            $"select coalesce(min(last_seq_id), 0) from {Schema}.mt_event_progression where name not like 'HighWater%'", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The sequence numbers of the given calls' events, or null for those not stored (yet).</summary>
    public static async Task<IReadOnlyList<long?>> SequencesAsync(string database, IReadOnlyList<Guid> callIds)
    {
        await using var connection = await GatewayProcess.OpenDatabaseAsync(database);
        await using var command = new NpgsqlCommand($"select stream_id, seq_id from {Schema}.mt_events where stream_id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", callIds.ToArray());
        var found = new Dictionary<Guid, long>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            found[reader.GetGuid(0)] = reader.GetInt64(1);
        return [.. callIds.Select(id => found.TryGetValue(id, out var seq) ? seq : (long?)null)];
    }

    /// <summary>How many of the given calls are rows of the request log (the SpendLog read model).</summary>
    public static async Task<int> InSpendLogAsync(string database, IReadOnlyList<Guid> callIds)
    {
        await using var connection = await GatewayProcess.OpenDatabaseAsync(database);
        await using var command = new NpgsqlCommand($"select count(*) from {Schema}.mt_doc_spendlog where id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", callIds.ToArray());
        return Convert.ToInt32(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A key's spend and call count as the KeySpend read model has them, and as its stored events add up.</summary>
    public static async Task<(decimal Spend, long Requests, decimal EventSpend, long EventRequests)> KeySpendAsync(string database, string keyHash)
    {
        await using var connection = await GatewayProcess.OpenDatabaseAsync(database);
        await using var command = new NpgsqlCommand(
            $"""
            select (select (data ->> 'Spend')::numeric from {Schema}.mt_doc_keyspend where id = @hash),
                   (select (data ->> 'Requests')::bigint from {Schema}.mt_doc_keyspend where id = @hash),
                   (select coalesce(sum((data ->> 'Cost')::numeric), 0) from {Schema}.mt_events where type in ('request_completed', 'request_failed') and data ->> 'KeyHash' = @hash),
                   (select count(*) from {Schema}.mt_events where type in ('request_completed', 'request_failed') and data ->> 'KeyHash' = @hash)
            """, connection);
        command.Parameters.AddWithValue("hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        return (reader.IsDBNull(0) ? 0m : reader.GetDecimal(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1), reader.GetDecimal(2), reader.GetInt64(3));
    }

    static async Task<long> ShardsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand($"select count(*) from {Schema}.mt_event_progression where name not like 'HighWater%'", connection);
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    const string Schema = Gateway.Domain.Configuration.SchemaName;
}
