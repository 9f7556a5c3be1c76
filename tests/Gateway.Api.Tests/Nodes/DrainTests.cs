using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Api.Config;
using Gateway.Api.Draining;
using Gateway.Api.Hosting;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Api.Tests.Reliability;
using Microsoft.Extensions.Configuration;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// A node's drain (<c>GATEWAY_DRAIN_SECONDS</c>) on the real process: on SIGTERM it says "draining" on its readiness
/// probe and goes on serving, asking clients to reconnect, then stops as usual; a second SIGTERM stops it at once.
/// </summary>
public sealed class DrainTests(PostgresFixture postgres)
{
    const string MockConfig = """
        model_list:
          - model_name: mock-gpt
            litellm_params: { model: mock/mock-gpt }
        """;

    [Fact]
    public async Task during_the_drain_readiness_is_503_and_calls_are_still_served_with_connection_close_then_the_process_exits_0()
    {
        var drain = TimeSpan.FromSeconds(4);
        var database = await postgres.CreateDatabaseAsync();
        await using var gateway = await StartAsync(database, drain);
        var before = await ChatAsync(gateway.Client, stream: false);
        Assert.Equal(200, before.Status);
        Assert.False(before.ConnectionClose, "Connection: close before any drain");

        var clock = Stopwatch.StartNew();
        gateway.Terminate();
        await Poll.Until(async () => (await ReadinessAsync(gateway.Client)).Status == 503, "readiness answering 503", TimeSpan.FromSeconds(20));
        var readiness = await ReadinessAsync(gateway.Client);
        Assert.Equal((503, "draining"), (readiness.Status, readiness.Body.GetProperty("status").GetString()));
        Assert.Equal("connected", readiness.Body.GetProperty("db").GetString());

        // Calls go on until the process stops listening; each one during the drain is a whole 200 that closes its connection.
        var calls = new List<(TimeSpan At, Chat Chat)>();
        var stream = false;
        while (!gateway.HasExited)
        {
            var at = clock.Elapsed;
            Chat chat;
            try
            {
                chat = await ChatAsync(gateway.Client, stream = !stream);
            }
            catch (HttpRequestException)
            {
                break; // the drain is over: the listener is closed
            }
            calls.Add((at, chat));
            await Task.Delay(25, TestContext.Current.CancellationToken); // a steady trickle, not a busy loop on a shared box
        }
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var stoppedIn = clock.Elapsed;

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{gateway.Output}");
        Assert.True(stoppedIn >= drain, $"stopped {stoppedIn.TotalSeconds:F1} s after SIGTERM, before its drain of {drain.TotalSeconds} s ended");
        Assert.All(calls, call => Assert.True(call.Chat is { Status: 200, Whole: true, ConnectionClose: true }, $"during the drain, at {call.At.TotalSeconds:F1} s: {call.Chat}"));
        Assert.Contains(calls, call => call.At >= drain / 2);
        Assert.Contains(calls, call => call.Chat.Stream);
        Assert.Contains("SIGTERM received: draining for 4 s", gateway.Output);
        Assert.Contains("Drain over after", gateway.Output);

        var stored = await StoredCalls.CompletedAsync(database);
        Assert.Equal(calls.Count + 1, stored.Count);
        Assert.All(calls, call => Assert.Equal(200, stored[call.Chat.CallId].Status));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{calls.Count} calls served during the drain of {drain.TotalSeconds} s (the last {calls[^1].At.TotalSeconds:F2} s after SIGTERM), " +
            $"all 200 with Connection: close and recorded; exit code 0 {stoppedIn.TotalSeconds:F2} s after SIGTERM");
    }

    [Fact]
    public async Task a_second_sigterm_during_the_drain_stops_the_node_at_once()
    {
        var drain = TimeSpan.FromSeconds(120);
        var database = await postgres.CreateDatabaseAsync();
        await using var gateway = await StartAsync(database, drain);

        gateway.Terminate();
        await Poll.Until(async () => (await ReadinessAsync(gateway.Client)).Status == 503, "readiness answering 503", TimeSpan.FromSeconds(20));
        Assert.Equal(200, (await ChatAsync(gateway.Client, stream: false)).Status);
        var clock = Stopwatch.StartNew();
        gateway.Terminate();
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
        Assert.Contains("SIGTERM received again: drain cut short", gateway.Output);
        TestContext.Current.TestOutputHelper?.WriteLine($"exit code 0 {clock.Elapsed.TotalSeconds:F2} s after the second SIGTERM (drain {drain.TotalSeconds} s)");
    }

    [Fact]
    public void the_drain_period_is_0_unless_set_and_config_yaml_wins_over_the_environment()
    {
        Assert.Equal(TimeSpan.Zero, Period());
        Assert.Equal(TimeSpan.FromSeconds(5), Period(environment: "5"));
        Assert.Equal(TimeSpan.FromSeconds(2.5), Period(environment: "2.5"));
        Assert.Equal(TimeSpan.FromSeconds(8), Period(config: "8", environment: "5"));
    }

    [Theory]
    [InlineData(null, "soon")]
    [InlineData(null, "-1")]
    [InlineData(null, "7200")]
    [InlineData("-3", null)]
    public void a_drain_period_that_cannot_be_used_stops_start_up_saying_why(string? config, string? environment)
    {
        var error = Assert.ThrowsAny<ConfigException>(() => Period(config, environment));
        Assert.Contains("drain_seconds", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    static TimeSpan Period(string? config = null, string? environment = null)
    {
        var values = new Dictionary<string, string?>();
        if (environment is not null)
            values["GATEWAY_DRAIN_SECONDS"] = environment;
        var directory = Directory.CreateTempSubdirectory("gateway-drain-");
        try
        {
            if (config is not null)
            {
                var path = Path.Combine(directory.FullName, "config.yaml");
                File.WriteAllText(path, $"general_settings:\n  drain_seconds: {config}\n");
                values["GATEWAY_CONFIG"] = path;
            }
            return GatewaySettings.Resolve(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).DrainPeriod;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    Task<GatewayProcess> StartAsync(string database, TimeSpan drain) => GatewayProcess.StartAsync(postgres, database, MockConfig, "drain",
        environment: new Dictionary<string, string> { ["GATEWAY_DRAIN_SECONDS"] = drain.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    sealed record Chat(bool Stream, int Status, bool Whole, bool ConnectionClose, Guid CallId);

    static async Task<Chat> ChatAsync(HttpClient client, bool stream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "mock-gpt", stream, max_tokens = 10, messages = new[] { new { role = "user", content = "Hi" } } }),
        };
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var whole = stream ? body.Contains("data: [DONE]", StringComparison.Ordinal) : body.Contains("\"choices\"", StringComparison.Ordinal);
        var callId = response.Headers.TryGetValues("x-litellm-call-id", out var ids) ? Guid.Parse(ids.First()) : Guid.Empty;
        return new Chat(stream, (int)response.StatusCode, whole, response.Headers.ConnectionClose == true, callId);
    }

    static async Task<(int Status, JsonElement Body)> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/readiness", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }
}
