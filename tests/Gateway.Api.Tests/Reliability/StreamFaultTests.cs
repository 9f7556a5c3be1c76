using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Api.Events;
using Gateway.Api.Providers.Tokens;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// Faults part way through a stream, over real sockets on both sides, against upstreams that speak each provider's own
/// streaming format (OpenAI SSE, Anthropic's SSE events, Gemini's streamGenerateContent SSE, Bedrock's binary event
/// stream, Ollama's NDJSON), on both client routes (<c>/v1/chat/completions</c>, <c>/v1/messages</c>). Whatever breaks,
/// the client's stream ends cleanly with an error event in its route's shape, and the call is recorded and charged for
/// what was produced before the break.
/// </summary>
public sealed class StreamFaultTests(StreamFaultGateway fixture) : IClassFixture<StreamFaultGateway>
{
    public static readonly string[] Routes = ["chat", "messages"];

    public static TheoryData<string, string> ProvidersAndRoutes() =>
        new(from provider in FaultyStreams.Providers from route in Routes select (provider, route));

    public static TheoryData<string, string, string> Breaks() =>
        new(from provider in FaultyStreams.Providers
            from fault in new[] { "reset", "json", "junk", "truncated", "cut" }
            from route in Routes
            select (provider, fault, route));

    [Theory]
    [MemberData(nameof(ProvidersAndRoutes))]
    public async Task a_stream_that_completes_ends_normally_and_is_charged_in_full(string provider, string route)
    {
        var ct = TestContext.Current.CancellationToken;
        using var call = await StartAsync(route, $"{provider}-complete", ct);
        var body = await call.Reader.ReadToEndAsync(ct);
        var stream = Parse(route, call.Consumed + body);

        Assert.Null(stream.Error);
        Assert.Equal(FaultyStreams.Head + FaultyStreams.Tail, stream.Text);
        var charged = await RecordedAsync(call.Id, ct);
        Assert.Equal(200, charged.Status);
        Assert.True(charged.CompletionTokens > 0 && charged.Cost > 0m);
    }

    [Theory]
    [MemberData(nameof(Breaks))]
    public async Task an_upstream_that_breaks_mid_stream_gives_the_client_an_error_event_and_is_charged_for_what_it_produced(
        string provider, string fault, string route)
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = $"{provider}-{fault}";
        using var call = await StartAsync(route, scenario, ct);
        await call.ReadHeadAsync(ct);
        (await fixture.Faulty.RequestFor(scenario, ct)).Proceed();

        // The stream ends cleanly (reading to its end does not throw) with the error as its last event.
        var stream = Parse(route, call.Consumed + await call.Reader.ReadToEndAsync(ct));
        Assert.NotNull(stream.Error);
        Assert.Equal(FaultyStreams.Head, stream.Text);

        var charged = await RecordedAsync(call.Id, ct);
        Assert.Equal(502, charged.Status);
        AssertChargedForTheHead(charged);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndRoutes))]
    public async Task an_upstream_that_stalls_mid_stream_is_cut_by_stream_timeout_charged_and_its_connection_closed(string provider, string route)
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = $"{provider}-stall";
        using var call = await StartAsync(route, scenario, ct);
        await call.ReadHeadAsync(ct);
        var served = await fixture.Faulty.RequestFor(scenario, ct);

        var stream = Parse(route, call.Consumed + await call.Reader.ReadToEndAsync(ct));
        Assert.Equal(route == "chat" ? "timeout" : "timeout_error", stream.Error);
        Assert.Equal(FaultyStreams.Head, stream.Text);

        var charged = await RecordedAsync(call.Id, ct);
        Assert.Equal(408, charged.Status);
        AssertChargedForTheHead(charged);
        Assert.True(await served.ConnectionClosed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct), "the gateway closed the stalled upstream connection");
    }

    [Theory]
    [MemberData(nameof(ProvidersAndRoutes))]
    public async Task a_client_that_leaves_mid_stream_cancels_the_upstream_call_and_is_charged_for_what_it_produced(string provider, string route)
    {
        var ct = TestContext.Current.CancellationToken;
        // The upstream holds the rest, and this deployment has no stream_timeout: only the client's leaving ends the call.
        var scenario = $"{provider}-leave";
        var call = await StartAsync(route, scenario, ct);
        await call.ReadHeadAsync(ct);
        var served = await fixture.Faulty.RequestFor(scenario, ct);
        call.Dispose(); // the client hangs up

        Assert.True(await served.ConnectionClosed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct), "the gateway closed the upstream connection");
        var charged = await RecordedAsync(call.Id, ct);
        Assert.Equal(499, charged.Status);
        AssertChargedForTheHead(charged);
    }

    [Fact]
    public async Task a_hundred_stalled_streams_leave_no_upstream_connection_open_and_no_call_in_flight()
    {
        var ct = TestContext.Current.CancellationToken;
        var upstream = fixture.Stalls;
        // The handler's own count of the connections it holds to the stalled upstream (open and idle in its pool).
        long held = 0, opened = 0;
        using var meter = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument is { Meter.Name: "System.Net.Http", Name: "http.client.open_connections" })
                    listener.EnableMeasurementEvents(instrument);
            },
        };
        meter.SetMeasurementEventCallback<long>((_, delta, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "server.port" && Convert.ToInt32(tag.Value, System.Globalization.CultureInfo.InvariantCulture) == upstream.Port)
                {
                    Interlocked.Add(ref held, delta);
                    if (delta > 0)
                        Interlocked.Add(ref opened, delta);
                }
            }
        });
        meter.Start();

        // A key that may have as many calls open as the deployments take: a slot or a lease that leaked would refuse a later call.
        var key = await KeyAsync(StreamFaultGateway.ParallelStalls, ct);
        using var gate = new SemaphoreSlim(StreamFaultGateway.ParallelStalls);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var route = Routes[i % 2];
                using var call = await StartAsync(route, $"many-{FaultyStreams.Providers[i % FaultyStreams.Providers.Length]}-stall", ct, key);
                return Parse(route, call.Consumed + await call.Reader.ReadToEndAsync(ct)).Error;
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.All(outcomes, error => Assert.Contains(error, new[] { "timeout", "timeout_error" }));
        Assert.True(upstream.Requests.Count >= 100);
        foreach (var served in upstream.Requests)
            Assert.True(await served.ConnectionClosed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct), $"{served.Scenario}: the gateway left the connection open");
        Assert.Equal(upstream.Opened, upstream.ClosedByPeer);
        await Poll.Until(() => Interlocked.Read(ref held) == 0, "the handler holding no connection to the stalled upstream", TimeSpan.FromSeconds(30));
        Assert.True(Interlocked.Read(ref opened) >= 100, $"the handler reported {opened} connections opened to the stalled upstream");
    }

    [Fact]
    public async Task a_slow_client_does_not_make_a_steady_upstream_look_stalled()
    {
        var ct = TestContext.Current.CancellationToken;
        // A client with a small receive window that reads nothing for three stream_timeouts: the gateway's writes to it
        // block while the upstream has chunks ready all along. The idle deadline times the upstream, not the client.
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = fixture.Gateway.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
        using var request = Request("chat", "openai-firehose", GatewayTestHost.MasterKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        using var reader = new StreamReader(body);
        var texts = Sse.Chunks(await reader.ReadToEndAsync(ct)).Select(c => TextOf("chat", c)).ToList();
        Assert.Equal(FaultyStreams.FirehoseChunks, texts.Count(t => t.StartsWith("budget ", StringComparison.Ordinal)));
        Assert.EndsWith(FaultyStreams.Tail, string.Concat(texts), StringComparison.Ordinal);
    }

    static void AssertChargedForTheHead(RequestCompleted charged)
    {
        var head = TokenCounter.Shared.Count(FaultyStreams.Head.AsSpan(), charged.Model);
        var whole = TokenCounter.Shared.Count((FaultyStreams.Head + FaultyStreams.Tail).AsSpan(), charged.Model);
        Assert.True(charged.Stream);
        Assert.True(charged.PromptTokens > 0, "the prompt is charged");
        Assert.InRange(charged.CompletionTokens, head, whole - 1);
        Assert.True(charged.Cost > 0m);
    }

    // ---- the client's side

    sealed class Call(HttpClient http, HttpResponseMessage response, StreamReader reader, string route) : IDisposable
    {
        readonly StringBuilder _consumed = new();
        readonly StringBuilder _text = new();

        public string Id { get; } = response.Headers.GetValues("x-litellm-call-id").Single();
        public StreamReader Reader => reader;
        public string Consumed => _consumed.ToString();

        /// <summary>Reads whole lines until the client has the head's text (the upstream then holds or breaks).</summary>
        public async Task ReadHeadAsync(CancellationToken ct)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(30));
            while (!_text.ToString().Contains(FaultyStreams.Head, StringComparison.Ordinal))
            {
                var line = await reader.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException($"the stream ended before the head: {Consumed}");
                _consumed.Append(line).Append('\n');
                if (line.StartsWith("data: {", StringComparison.Ordinal))
                    _text.Append(TextOf(route, JsonDocument.Parse(line["data: ".Length..]).RootElement));
            }
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
            http.Dispose();
        }
    }

    async Task<Call> StartAsync(string route, string model, CancellationToken ct, string? key = null)
    {
        var http = new HttpClient { BaseAddress = fixture.Gateway.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
        using var request = Request(route, model, key ?? GatewayTestHost.MasterKey);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            Assert.Fail($"{model} on {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return new Call(http, response, new StreamReader(await response.Content.ReadAsStreamAsync(ct)), route);
    }

    static HttpRequestMessage Request(string route, string model, string key)
    {
        var json = route == "chat"
            ? $$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"Tell me about budgets, keys and limits"}]}"""
            : $$"""{"model":"{{model}}","stream":true,"max_tokens":200,"messages":[{"role":"user","content":"Tell me about budgets, keys and limits"}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, route == "chat" ? "/v1/chat/completions" : "/v1/messages")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (route == "messages")
            request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }

    /// <summary>What a stream said: its text, and the type of the error it ended with (null when it ended normally).</summary>
    sealed record Streamed(string Text, string? Error);

    /// <summary>
    /// A whole stream body as its route's clients read it. Chat: <c>data:</c> events, ending with <c>[DONE]</c> or with
    /// one <c>{"error": …}</c> event and nothing after it. Messages: <c>event:</c>/<c>data:</c> pairs, ending with
    /// <c>message_stop</c> or with one <c>error</c> event (Anthropic's shape) and nothing after it.
    /// </summary>
    static Streamed Parse(string route, string body)
    {
        var text = new StringBuilder();
        if (route == "chat")
        {
            var data = Sse.Data(body);
            var ended = data[^1] == "[DONE]";
            foreach (var item in data.SkipLast(1)) // all but [DONE] or the error
            {
                var chunk = JsonDocument.Parse(item).RootElement;
                Assert.False(chunk.TryGetProperty("error", out _), $"an error event before the end: {item}");
                text.Append(TextOf(route, chunk));
            }
            if (ended)
                return new Streamed(text.ToString(), null);
            var error = JsonDocument.Parse(data[^1]).RootElement.GetProperty("error");
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
            Assert.True(error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _), $"OpenAI's error shape: {error}");
            Assert.DoesNotContain("[DONE]", data);
            return new Streamed(text.ToString(), error.GetProperty("type").GetString());
        }

        Assert.EndsWith("\n\n", body);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            return (Name: lines[0]["event: ".Length..], Data: JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement);
        }).ToList();
        Assert.Equal("message_start", events[0].Name);
        foreach (var (name, data) in events.SkipLast(1))
        {
            Assert.NotEqual("error", name);
            text.Append(TextOf(route, data));
        }
        var (lastName, last) = events[^1];
        if (lastName == "message_stop")
            return new Streamed(text.ToString(), null);
        Assert.Equal("error", lastName);
        Assert.Equal("error", last.GetProperty("type").GetString());
        var anthropicError = last.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(anthropicError.GetProperty("message").GetString()));
        Assert.DoesNotContain(events, e => e.Name == "message_stop");
        return new Streamed(text.ToString(), anthropicError.GetProperty("type").GetString());
    }

    static string TextOf(string route, JsonElement data)
    {
        if (route == "chat")
        {
            return data.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content)
                && content.ValueKind == JsonValueKind.String
                ? content.GetString()!
                : "";
        }
        return data.TryGetProperty("type", out var type) && type.GetString() == "content_block_delta"
            && data.GetProperty("delta").TryGetProperty("text", out var text)
            ? text.GetString()!
            : "";
    }

    // ---- the gateway's side

    async Task<RequestCompleted> RecordedAsync(string callId, CancellationToken ct)
    {
        var store = fixture.Gateway.Services.GetRequiredService<IDocumentStore>();
        var writer = fixture.Gateway.Services.GetRequiredService<EventWriter>();
        for (var i = 0; i < 200; i++)
        {
            await writer.WaitUntilPersistedAsync(TimeSpan.FromSeconds(10));
            await using var session = store.QuerySession();
            var events = await session.Events.FetchStreamAsync(Guid.Parse(callId), token: ct);
            if (events.Select(e => e.Data).OfType<RequestCompleted>().SingleOrDefault() is { } recorded)
                return recorded;
            Assert.Empty(events.Select(e => e.Data).OfType<RequestFailed>());
            await Task.Delay(50, ct);
        }
        Assert.Fail($"call {callId} was never recorded");
        return null!;
    }

    async Task<string> KeyAsync(int parallel, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = fixture.Gateway.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/key/generate")
        {
            Content = new StringContent($$"""{"max_parallel_requests": {{parallel}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestHost.MasterKey);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("key").GetString()!;
    }
}
