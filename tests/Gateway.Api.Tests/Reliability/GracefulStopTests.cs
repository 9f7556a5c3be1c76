using Gateway.Api.Events;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// SIGTERM, as Docker, Kubernetes and systemd stop a service, sent to the real gateway process while clients keep
/// calling it: what was in flight is answered, what was answered is recorded, and the process ends cleanly.
/// </summary>
public sealed class GracefulStopTests(PostgresFixture postgres)
{
    /// <summary>.NET's default HostOptions.ShutdownTimeout, which the gateway keeps (docs/reliability.md).</summary>
    static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task sigterm_under_load_answers_every_call_in_flight_records_every_answered_call_and_exits_with_0()
    {
        await using var upstream = await FakeOpenAI.StartAsync();
        upstream.Pace = TimeSpan.FromMilliseconds(600);
        var database = await postgres.CreateDatabaseAsync();
        await using var gateway = await GatewayProcess.StartAsync(postgres, database, PacedConfig(upstream), "sigterm");

        var load = CallLoad.Start(gateway.Client, "paced", clients: 8);
        await load.WaitForAnsweredAsync(16, TimeSpan.FromSeconds(60));
        await Until(() => upstream.Requests.Count - load.Answered >= 4, "calls in flight at the upstream");
        var terminatedAt = DateTime.UtcNow;
        gateway.Terminate();
        var exitCode = await gateway.WaitForExitAsync(ShutdownTimeout + TimeSpan.FromSeconds(30));
        var stoppedIn = DateTime.UtcNow - terminatedAt;
        var outcomes = await load.StopAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{gateway.Output}");
        Assert.True(stoppedIn < ShutdownTimeout, $"stopping took {stoppedIn.TotalSeconds:F1} s:\n{gateway.Output}");

        // In flight at SIGTERM: the upstream had the call before the signal was sent. Each one is answered in full.
        var reachedUpstream = upstream.Requests.GroupBy(Marker).ToDictionary(g => g.Key, g => g.Min(r => r.At));
        var inFlight = outcomes.Where(o => reachedUpstream.TryGetValue(o.Marker, out var at) && at < terminatedAt && o.EndedAt > terminatedAt).ToList();
        Assert.NotEmpty(inFlight);
        Assert.All(inFlight, call => Assert.True(call.Answered, $"in flight at SIGTERM, ended as {call}"));

        // Nothing that reached the gateway got anything but a whole 200; what it never took was refused at the
        // connection (it stops listening on SIGTERM), never answered with an error.
        Assert.All(outcomes.Where(o => o.Status is not null), call => Assert.True(call.Answered, $"answered badly: {call}"));
        Assert.All(outcomes.Where(o => !o.Answered), call => Assert.False(reachedUpstream.ContainsKey(call.Marker), $"reached the upstream, not answered: {call}"));

        // Every call a client got a 200 for is a RequestCompleted in the database.
        var stored = await StoredCalls.CompletedAsync(database);
        var answered = outcomes.Where(o => o.Answered).ToList();
        var missing = answered.Where(o => !stored.ContainsKey(Guid.Parse(o.CallId!))).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {answered.Count} answered calls are not in the database, e.g. {missing.FirstOrDefault()}:\n{gateway.Output}");
        Assert.All(answered, o => Assert.Equal(200, stored[Guid.Parse(o.CallId!)].Status));

        var refused = outcomes.Count(o => o.Status is null);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"answered {answered.Count} calls ({inFlight.Count} in flight at SIGTERM, all answered and stored); {refused} refused after SIGTERM; " +
            $"exit code {exitCode} {stoppedIn.TotalSeconds:F2} s after SIGTERM");
    }

    [Fact]
    public async Task a_call_still_running_when_the_shutdown_timeout_ends_is_cut_off_and_still_recorded_and_charged()
    {
        await using var upstream = await FakeOpenAI.StartAsync();
        upstream.Pace = TimeSpan.FromSeconds(20);
        var database = await postgres.CreateDatabaseAsync();
        await using var gateway = await GatewayProcess.StartAsync(postgres, database, PacedConfig(upstream), "sigterm-timeout",
            arguments: ["--shutdownTimeoutSeconds", "2"]);

        var load = CallLoad.Start(gateway.Client, "paced", clients: 6);
        await Until(() => upstream.Requests.Count == 6, "six calls at the upstream");
        var terminatedAt = DateTime.UtcNow;
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        var stoppedIn = DateTime.UtcNow - terminatedAt;
        var outcomes = await load.StopAsync();

        // Cut off when the 2 s were up, well before the upstream's 20 s answer.
        Assert.True(stoppedIn < TimeSpan.FromSeconds(15), $"stopping took {stoppedIn.TotalSeconds:F1} s");
        var cut = outcomes.Where(o => o.SentAt < terminatedAt).ToList();
        Assert.Equal(6, cut.Count);
        Assert.All(cut, call => Assert.False(call.Answered, $"answered despite the shutdown timeout: {call}"));
        Assert.All(cut, call => Assert.True(call.EndedAt - terminatedAt >= TimeSpan.FromSeconds(1.5), $"cut before the shutdown timeout: {call}"));

        // Each is recorded as a call cut off (499) and charged for its prompt, as when a client leaves — after Kestrel has
        // let go of it, which is why the event queue waits for calls in progress before it closes.
        var stored = await StoredCalls.CompletedAsync(database);
        Assert.True(stored.Count == 6, $"{stored.Count} of the 6 calls cut off are stored:\n{gateway.Output}");
        Assert.All(stored.Values, call => Assert.Equal(499, call.Status));
        Assert.All(stored.Values, call => Assert.True(call.Cost > 0m, $"not charged: {call}"));
    }

    [Fact]
    public async Task on_stop_the_event_writer_waits_for_calls_in_progress_to_record_themselves_before_closing_its_queue()
    {
        // What Kestrel does at the shutdown timeout, slowed down: it lets go of a call it cut off, and the call records
        // itself (status 499) only afterwards — here half a second later, after the writer was told to stop.
        await using var host = await GatewayTestHost.StartAsync(postgres);
        var queue = host.Services.GetRequiredService<EventQueue>();
        var writer = host.Services.GetRequiredService<EventWriter>();
        var callId = Guid.CreateVersion7();

        var call = queue.StartRecording();
        var stopping = writer.StopAsync(CancellationToken.None);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.False(stopping.IsCompleted, "the writer stopped while a call was still in progress");
        Assert.True(queue.TryEnqueue(callId, new RequestFailed(callId, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, CallTypes.ChatCompletion,
            "hash", null, null, null, "mock-gpt", null, null, 499, "client_closed_request", "cut off at shutdown", 1, false)));
        call.Dispose();
        await stopping;

        Assert.Equal(0, queue.Dropped);
        Assert.Equal(0, writer.Lost);
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Single(await session.Events.FetchStreamAsync(callId, token: TestContext.Current.CancellationToken));
    }

    static Task Until(Func<bool> condition, string what) =>
        Poll.Until(condition, what, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5));

    internal static string PacedConfig(FakeOpenAI upstream) => $$"""
        model_list:
          - model_name: paced
            litellm_params:
              model: openai/paced
              api_base: "{{upstream.BaseUrl}}"
              api_key: sk-upstream
              input_cost_per_token: 0.000001
              output_cost_per_token: 0.000002
        """;

    static string Marker(FakeOpenAI.Received request) =>
        request.Body["messages"]![0]!["content"]!.GetValue<string>()["call ".Length..];
}
