using System.Text.Json;
using Alba;
using Gateway.Api.Config;
using Gateway.Api.Events;
using Gateway.Api.Hosting;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Budgets;
using Gateway.Domain.Spend;
using Marten;
using Marten.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// PostgreSQL goes away under load and comes back: the gateway keeps serving known keys from memory (or, with
/// <c>allow_requests_on_db_unavailable: false</c>, refuses with 503), holds the events of what it served and appends
/// them when the database returns, so the spend accounts for every call a client got a 200 for. The cluster stopped is
/// this class's own (<see cref="StoppableCluster"/>), never the run's shared one.
/// </summary>
public sealed class DatabaseOutageTests(PostgresFixture postgres, StoppableCluster cluster) : IClassFixture<StoppableCluster>
{
    /// <summary>Longer than the alert writer used to retry for (6 s), short enough for CI.</summary>
    static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(8);

    /// <summary>Generous: CI is a loaded 2-core box, and an immediate stop means crash recovery on start.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task known_keys_are_served_through_an_outage_and_every_served_call_is_recorded_once_the_database_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var log = new WarningLog();
        await using var host = await StartAsync(await cluster.CreateDatabaseAsync(), log);
        var outage = host.Services.GetRequiredService<DatabaseOutage>();
        await host.AdminPost("/team/new", new { team_id = "search", max_budget = 1000 });
        string[] keys =
        [
            (await host.AdminPost("/key/generate", new { team_id = "search", max_budget = 100 })).GetProperty("key").GetString()!,
            (await host.AdminPost("/key/generate", new { max_budget = 100 })).GetProperty("key").GetString()!,
        ];
        // Kept for the outage: its first call crosses its soft budget, an alert noticed while the database is down.
        var softKey = (await host.AdminPost("/key/generate", new { soft_budget = 0.000001m })).GetProperty("key").GetString()!;
        SeenCall? softCall = null;
        using var http = Client(host);

        await using var traffic = new OutageTraffic(http, keys, clients: 4);
        await ServedAsync(traffic, DateTime.UtcNow, 20, "calls before the outage");

        // A clean shutdown (sessions ended), then a crash (no shutdown at all: recovery on start).
        foreach (var mode in new[] { "fast", "immediate" })
        {
            var down = DateTime.UtcNow;
            await cluster.StopAsync(mode);
            await Eventually(() => outage.IsOngoing, "the gateway noticing the outage");

            var readiness = await http.GetAsync("/health/readiness", ct);
            Assert.Equal(503, (int)readiness.StatusCode);
            Assert.Equal("disconnected", JsonDocument.Parse(await readiness.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("db").GetString());
            // An admin command needs the database: a clear 503 to retry, not a 500.
            var refused = await host.Scenario(s =>
            {
                s.Post.Json(new { key_alias = "during-the-outage" }).ToUrl("/key/generate");
                s.WithMasterKey();
                s.StatusCodeShouldBe(503);
            });
            Assert.Equal("no_db_connection", (await refused.OpenAIError(503)).GetProperty("type").GetString());
            softCall ??= await OutageTraffic.CallAsync(http, softKey, stream: false);

            await Task.Delay(OutageLength, ct);
            var up = DateTime.UtcNow;
            var during = traffic.Between(down, up);
            Assert.True(during.Count(call => call.Status == 200) >= 20,
                $"calls go on while the database is down ({mode} stop): {during.Count} calls, statuses {string.Join(", ", during.Select(c => c.Status).Distinct())}");

            await cluster.StartAsync();
            await Eventually(() => !outage.IsOngoing, "the gateway noticing the database is back");
            Assert.Equal(200, (int)(await http.GetAsync("/health/readiness", ct)).StatusCode);
            await ServedAsync(traffic, DateTime.UtcNow, 20, "calls after the outage");
        }
        var calls = (await traffic.StopAsync()).Append(softCall!).ToList();

        // Every call succeeded, outage or not.
        foreach (var call in calls)
            Assert.True(call is { Status: 200, Complete: true, RequestId: not null, Cost: > 0m }, Describe(call));

        var writer = host.Services.GetRequiredService<EventWriter>();
        await writer.WaitUntilPersistedAsync(Patience);
        Assert.Equal(0, host.Services.GetRequiredService<EventQueue>().Dropped);
        Assert.Equal(0, writer.Lost);
        await host.WaitForNonStaleProjectionDataAsync(Patience);

        // Each call a client got a 200 for is one RequestCompleted, charged what the client was told.
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var recorded = (await session.Events.QueryRawEventDataOnly<RequestCompleted>().ToListAsync(ct)).ToList();
        var served = calls.ToDictionary(call => call.RequestId!.Value);
        Assert.Equal(served.Count, recorded.Count);
        Assert.Equal(served.Keys.ToHashSet(), recorded.Select(e => e.RequestId).ToHashSet());
        foreach (var e in recorded)
            Assert.Equal(served[e.RequestId].Cost, e.Cost);

        // The spend read models add up to what the clients were charged.
        var total = calls.Sum(call => call.Cost!.Value);
        var byKey = (await session.Query<KeySpend>().ToListAsync(ct)).ToDictionary(spend => spend.Id);
        foreach (var key in keys.Append(softKey))
        {
            var own = calls.Where(call => call.Key == key).ToList();
            var spend = byKey[Gateway.Domain.Keys.KeyPlaintext.Hash(key)];
            Assert.Equal(own.Sum(call => call.Cost!.Value), spend.Spend);
            Assert.Equal(own.Count, spend.Requests);
        }
        Assert.Equal(total, (await session.LoadAsync<ModelSpend>("mock-gpt", ct))!.Spend);
        Assert.Equal(calls.Count(call => call.Key == keys[0]), (await session.LoadAsync<TeamSpend>("search", ct))!.Requests);
        var logged = await session.Query<SpendLog>().Select(row => row.Id).ToListAsync(ct);
        Assert.Equal(served.Keys.ToHashSet(), logged.ToHashSet());

        // The budget alert noticed during the outage was held too, and recorded once the database returned.
        await EventuallyAsync(async () => (await session.Events.QueryRawEventDataOnly<SoftBudgetCrossed>().ToListAsync(ct)).Count == 1,
            "the soft-budget alert of the outage being recorded");

        // The log says each outage once, when it starts and when it ends; nothing per call or per poll.
        var starts = log.Entries.Count(entry => entry.Message.StartsWith("PostgreSQL is unreachable", StringComparison.Ordinal));
        var ends = log.Entries.Count(entry => entry.Message.StartsWith("PostgreSQL is reachable again", StringComparison.Ordinal));
        Assert.True(outage.Count >= 2, $"two outages seen, not {outage.Count}");
        Assert.Equal(outage.Count, starts);
        Assert.Equal(outage.Count, ends);
        var others = log.Entries.Where(entry => !entry.Category.EndsWith(nameof(DatabaseOutage), StringComparison.Ordinal)).ToList();
        Assert.True(others.Count <= 10 * outage.Count,
            $"{others.Count} other warnings and errors for {calls.Count} calls and {outage.Count} outages:\n{string.Join("\n", others.Take(40))}");
    }

    [Fact]
    public async Task with_allow_requests_on_db_unavailable_false_calls_are_refused_with_503_while_the_database_is_down_and_served_after()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(await cluster.CreateDatabaseAsync(), config: """
            general_settings:
              allow_requests_on_db_unavailable: false
            """);
        var outage = host.Services.GetRequiredService<DatabaseOutage>();
        Assert.False(outage.AllowsRequests);
        var key = (await host.AdminPost("/key/generate", new { max_budget = 100 })).GetProperty("key").GetString()!;
        using var http = Client(host);

        await using var traffic = new OutageTraffic(http, [key], clients: 2);
        await ServedAsync(traffic, DateTime.UtcNow, 10, "calls before the outage");

        await cluster.StopAsync("fast");
        await Eventually(() => outage.IsOngoing, "the gateway noticing the outage");
        var known = DateTime.UtcNow;
        var refused = await OutageTraffic.CallAsync(http, key, stream: false);
        Assert.Equal(503, refused.Status);
        var error = JsonDocument.Parse(refused.Body).RootElement.GetProperty("error");
        Assert.Equal("no_db_connection", error.GetProperty("type").GetString());
        Assert.Equal("503", error.GetProperty("code").GetString());
        Assert.Contains("allow_requests_on_db_unavailable", error.GetProperty("message").GetString());
        Assert.Equal(503, (await OutageTraffic.CallAsync(http, GatewayTestHost.MasterKey, stream: true)).Status);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);

        var restarting = DateTime.UtcNow;
        await cluster.StartAsync();
        await Eventually(() => !outage.IsOngoing, "the gateway noticing the database is back");
        var back = DateTime.UtcNow;
        await ServedAsync(traffic, back, 10, "calls after the outage");
        var calls = await traffic.StopAsync();

        // Refused from the moment the outage was known until the database came back; served before and after.
        var whileKnown = calls.Where(call => call.StartedAt >= known && call.EndedAt <= restarting).ToList();
        Assert.NotEmpty(whileKnown);
        Assert.All(whileKnown, call => Assert.Equal(503, call.Status));
        Assert.All(calls.Where(call => call.StartedAt >= back), call => Assert.Equal(200, call.Status));
        Assert.All(calls, call => Assert.True(call.Status is 200 or 503, Describe(call)));

        // What was served is recorded; what was refused cost nothing.
        await host.Services.GetRequiredService<EventWriter>().WaitUntilPersistedAsync(Patience);
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var recorded = await session.Events.QueryRawEventDataOnly<RequestCompleted>().Select(e => e.RequestId).ToListAsync(ct);
        Assert.Equal(calls.Where(call => call.Status == 200).Select(call => call.RequestId!.Value).ToHashSet(), recorded.ToHashSet());
    }

    [Fact]
    public async Task a_key_this_gateway_has_not_seen_is_a_503_during_an_outage_and_works_once_the_database_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await cluster.CreateDatabaseAsync();
        await using var issuer = await StartAsync(database);
        await using var node = await StartAsync(database);
        // Issued on the other node: this one has never seen it, and does not load keys before their first call.
        var key = (await issuer.AdminPost("/key/generate", new { max_budget = 100 })).GetProperty("key").GetString()!;
        using var issuerHttp = Client(issuer);
        using var http = Client(node);
        // No call before the outage: the event feed would bring this node the key along with the call's spend.

        await cluster.StopAsync("fast");
        // Whether the node already knows of the outage (no lookup) or finds out by looking up (it fails), the answer is a 503.
        var first = await OutageTraffic.CallAsync(http, key, stream: false);
        Assert.Equal(503, first.Status);
        var error = JsonDocument.Parse(first.Body).RootElement.GetProperty("error");
        Assert.Equal("no_db_connection", error.GetProperty("type").GetString());
        Assert.Contains("cannot be checked", error.GetProperty("message").GetString());
        Assert.True(node.Services.GetRequiredService<DatabaseOutage>().IsOngoing);
        // Nothing remembered as "no such key", and none of it counted as guessing: more unknown keys than the
        // failed-authentication limit (10) are 503s too.
        for (var i = 0; i < 12; i++)
            Assert.Equal(503, (await OutageTraffic.CallAsync(http, Gateway.Domain.Keys.KeyPlaintext.Generate(), stream: false)).Status);
        Assert.Equal(503, (await OutageTraffic.CallAsync(http, key, stream: true)).Status);
        // The node that knows the key serves it meanwhile.
        Assert.Equal(200, (await OutageTraffic.CallAsync(issuerHttp, key, stream: false)).Status);

        await cluster.StartAsync();
        // Until this node sees the database again its answer stays 503; never a 401 (a remembered miss) nor a 429.
        var deadline = DateTime.UtcNow + Patience;
        SeenCall answer;
        while ((answer = await OutageTraffic.CallAsync(http, key, stream: false)).Status == 503 && DateTime.UtcNow < deadline)
            await Task.Delay(100, ct);
        Assert.True(answer.Status == 200, Describe(answer));
    }

    [Fact]
    public void events_beyond_the_held_bound_are_dropped_counted_and_logged_never_silently()
    {
        var log = new WarningLog();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(log));
        var queue = new EventQueue(new EventQueueOptions(Capacity: 10), loggers.CreateLogger<EventQueue>());

        var accepted = Enumerable.Range(0, 2_010).Count(_ => queue.TryEnqueue(Guid.CreateVersion7(), new object()));

        Assert.Equal(10, accepted);
        Assert.Equal(10, queue.Pending);
        Assert.Equal(2_000, queue.Dropped);
        // The first drop, then every thousandth: counted in full, logged without flooding.
        Assert.Equal(3, log.Entries.Count(entry => entry is { Level: LogLevel.Error } && entry.Message.StartsWith("Event queue full", StringComparison.Ordinal)));
    }

    [Fact]
    public void serving_during_an_outage_is_the_default_and_can_be_turned_off()
    {
        static GatewaySettings Resolve(params (string Name, string Value)[] environment) => GatewaySettings.Resolve(
            new ConfigurationBuilder().AddInMemoryCollection(environment.ToDictionary(e => e.Name, e => (string?)e.Value)).Build());

        Assert.True(Resolve().AllowRequestsOnDbUnavailable);
        Assert.False(Resolve(("GATEWAY_ALLOW_REQUESTS_ON_DB_UNAVAILABLE", "false")).AllowRequestsOnDbUnavailable);
        Assert.True(Resolve(("GATEWAY_ALLOW_REQUESTS_ON_DB_UNAVAILABLE", "True")).AllowRequestsOnDbUnavailable);
        Assert.Contains("expected true or false",
            Assert.Throws<ConfigException>(() => Resolve(("GATEWAY_ALLOW_REQUESTS_ON_DB_UNAVAILABLE", "sometimes"))).Message);
    }

    Task<IAlbaHost> StartAsync(string database, WarningLog? log = null, string? config = null) =>
        GatewayTestHost.StartAsync(postgres, config, new Dictionary<string, string?> { ["DATABASE_URL"] = database },
            services => log?.AddTo(services));

    static HttpClient Client(IAlbaHost host)
    {
        var http = host.Server.CreateClient();
        http.Timeout = TimeSpan.FromSeconds(60);
        return http;
    }

    /// <summary>Waits until the traffic has had <paramref name="count"/> calls served since <paramref name="since"/>.</summary>
    static Task ServedAsync(OutageTraffic traffic, DateTime since, int count, string what) =>
        Eventually(() => traffic.Calls.Count(call => call.StartedAt >= since && call.Status == 200) >= count, what);

    static Task Eventually(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    static Task EventuallyAsync(Func<Task<bool>> condition, string what) => Poll.Until(condition, what, Patience);

    static string Describe(SeenCall call) =>
        $"{(call.Stream ? "streamed" : "plain")} call at {call.StartedAt:HH:mm:ss.fff}: {call.Status}, id {call.RequestId}, cost {call.Cost}, " +
        $"complete {call.Complete}: {call.Body[..Math.Min(call.Body.Length, 400)]}";
}
