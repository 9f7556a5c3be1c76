using System.Diagnostics;
using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Routing;

/// <summary>
/// Deadlines per attempt (timeout; for streams stream_timeout to the first chunk and between chunks), and that nothing
/// is retried once a streamed byte reached the client. Real time with generous margins: the fake's slow paths take 5 s
/// or more, the whole-call deadline here is half a second and the stream deadlines one second.
/// <para>
/// Stream deadlines cover the fast paths too: a first chunk must come within stream_timeout, or the stream is retried
/// on the next deployment. On a loaded 2-core machine the first call of a fresh process (JIT, a new connection) took
/// over half a second to its first chunk, so the stalling stream was retried on its spare and ended with [DONE] instead
/// of the timeout event. Hence the warm-up call before each test and a stream_timeout (1 s) the fast paths meet with room.
/// </para>
/// </summary>
public sealed class TimeoutTests(PostgresFixture postgres) : IAsyncLifetime
{
    static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least a call cut by <see cref="StreamTimeout"/> can take: .NET's timers count whole milliseconds and may fire
    /// up to one early (CI saw 0.9996 s), so "waited for the timeout" allows that much.
    /// </summary>
    static readonly TimeSpan AtLeastStreamTimeout = StreamTimeout - TimeSpan.FromMilliseconds(5);

    // A deadline that works answers before the fake's slow path would have (5 s; a stall 30 s), however busy the
    // machine: a loaded CI box took 4 s for a 1 s stall, so the bounds are the slow paths, not the deadline plus a margin.
    static readonly TimeSpan BeforeSlowPath = TimeSpan.FromSeconds(4.5);
    static readonly TimeSpan BeforeStall = TimeSpan.FromSeconds(20);

    FaultyOpenAI _upstream = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FaultyOpenAI.StartAsync();
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: slow
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("slow", "slow")}}", api_key: k, timeout: 0.5}
                model_info: {id: slow}
              - model_name: quick
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("quick", "ok")}}", api_key: k}
                model_info: {id: quick}
              - model_name: streams
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("late", "late-first")}}", api_key: k, stream_timeout: 1, order: 1}
                model_info: {id: late}
              - model_name: streams
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("steady", "ok")}}", api_key: k, stream_timeout: 1, order: 2}
                model_info: {id: steady}
              - model_name: stalls
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("staller", "stalls")}}", api_key: k, stream_timeout: 1, order: 1}
                model_info: {id: staller}
              - model_name: stalls
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("spare", "ok")}}", api_key: k, order: 2}
                model_info: {id: spare}
              - model_name: trickles
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("trickler", "trickle")}}", api_key: k, stream_timeout: 1, timeout: 0.5}
                model_info: {id: trickler}
              - model_name: breaks
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("breaker", "breaks")}}", api_key: k, order: 1}
                model_info: {id: breaker}
              - model_name: breaks
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("standby", "ok")}}", api_key: k, order: 2}
                model_info: {id: standby}
              - model_name: warm
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase("warm", "ok")}}", api_key: k}
                model_info: {id: warm}
            router_settings:
              fallbacks: [{slow: [quick]}]
            """);
        // The first call of a process compiles the whole path and opens the upstream connection; not on a test's clock.
        await _host.Chat("warm");
        await _host.Chat("warm", stream: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task a_deployment_that_times_out_falls_back_within_the_timeout_and_a_small_margin()
    {
        var watch = Stopwatch.StartNew();
        var result = await _host.Chat("slow");
        watch.Stop();

        Assert.Equal(200, result.Status());
        Assert.Equal("Hello from quick", await result.Content());
        Assert.Equal(("quick", 1), (result.ModelId(), result.Fallbacks()));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.5), BeforeSlowPath);
    }

    [Fact]
    public async Task a_timeout_without_a_fallback_is_a_408()
    {
        var watch = Stopwatch.StartNew();
        var result = await _host.Chat("slow", extra: new Dictionary<string, object?> { ["disable_fallbacks"] = true });

        var error = await result.OpenAIError(408);
        Assert.Equal("timeout", error.GetProperty("type").GetString());
        Assert.True(watch.Elapsed < BeforeSlowPath, $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task a_stream_whose_first_chunk_does_not_come_within_stream_timeout_is_retried_on_another_deployment()
    {
        var watch = Stopwatch.StartNew();
        var result = await _host.Chat("streams", stream: true);
        var body = await result.ReadAsTextAsync();
        watch.Stop();

        var chunks = Sse.Chunks(body);
        Assert.Equal(" steady", chunks[^1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal(("steady", 1), (result.ModelId(), result.Retries()));
        Assert.Equal((1, 1), (_upstream.Calls("late"), _upstream.Calls("steady")));
        Assert.InRange(watch.Elapsed, AtLeastStreamTimeout, BeforeSlowPath);
    }

    [Fact]
    public async Task a_stream_that_stalls_after_its_first_chunk_is_cut_after_stream_timeout_and_not_retried()
    {
        var watch = Stopwatch.StartNew();
        var result = await _host.Chat("stalls", stream: true);
        var body = await result.ReadAsTextAsync();
        watch.Stop();

        var data = Sse.Data(body);
        Assert.Contains("Hello", data[0], StringComparison.Ordinal);
        var error = JsonDocument.Parse(data[^1]).RootElement.GetProperty("error");
        Assert.Equal("timeout", error.GetProperty("type").GetString());
        Assert.Equal(0, result.Retries());
        Assert.Equal((1, 0), (_upstream.Calls("staller"), _upstream.Calls("spare")));
        Assert.InRange(watch.Elapsed, AtLeastStreamTimeout, BeforeStall);
    }

    [Fact]
    public async Task nothing_is_retried_after_the_first_streamed_byte_reached_the_client()
    {
        var result = await _host.Chat("breaks", stream: true);

        var data = Sse.Data(await result.ReadAsTextAsync());
        Assert.Equal(2, data.Count);
        Assert.Contains("Hello", data[0], StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(data[1]).RootElement.TryGetProperty("error", out _), "the stream ends with an error event");
        Assert.Equal((1, 0), (_upstream.Calls("breaker"), _upstream.Calls("standby")));
        Assert.Equal("breaker", result.ModelId());

        var charged = Assert.Single(await _host.Events<RequestCompleted>(), e => e.ModelGroup == "breaks");
        Assert.Equal("breaker", charged.DeploymentId);
    }

    [Fact]
    public async Task a_stream_longer_than_its_stream_timeout_is_not_cut_while_its_chunks_keep_coming()
    {
        var watch = Stopwatch.StartNew();
        var result = await _host.Chat("trickles", stream: true);
        var chunks = Sse.Chunks(await result.ReadAsTextAsync());
        watch.Stop();

        Assert.Equal(6, chunks.Count);
        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(1.5), $"six chunks 300 ms apart took {watch.Elapsed}");
        Assert.Equal(0, result.Retries());
    }
}
