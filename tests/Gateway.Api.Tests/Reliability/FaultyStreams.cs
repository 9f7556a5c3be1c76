using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Api.Tests.Providers.Bedrock;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 that streams in each provider's own wire format and breaks on purpose, written on
/// bare sockets so that it controls every byte and sees when the gateway closes a connection. A deployment's api_base is
/// <c>{root}/{provider}-{fault}</c>; the provider's path follows it (<c>/v1/chat/completions</c>, <c>/v1/messages</c>,
/// <c>/v1beta/models/…:streamGenerateContent?alt=sse</c>, <c>/model/…/converse-stream</c>, <c>/api/chat</c>).
/// <para>
/// Every stream starts with <see cref="Head"/> ("Hello from the"); what comes next is the fault. <c>complete</c>: the
/// rest and the provider's end marker. For <c>reset</c>, <c>json</c>, <c>junk</c>, <c>truncated</c> and <c>cut</c> the server then
/// waits for <see cref="Served.Proceed"/> (so the test knows the head reached its client first) and: sends a TCP reset;
/// or an event whose JSON is cut off, followed by the rest of a good stream (a gateway that passed it on would end
/// normally); or an HTML error page in place of the rest; or the first half of the next event; or nothing more (the
/// body ends between two events, before the provider's end marker); the last four end the body cleanly. <c>stall</c> (and <c>leave</c>) send nothing more and wait for the gateway to close the connection;
/// <c>firehose</c> (OpenAI only) sends <see cref="FirehoseChunks"/> chunks of 16 kB at once, then the end.
/// </para>
/// </summary>
public sealed class FaultyStreams : IAsyncDisposable
{
    public const string Head = "Hello from the";
    public const string Tail = " fake upstream, which had a great deal more to say about budgets, keys and limits.";
    public const int FirehoseChunks = 600;

    public static readonly string[] Providers = ["openai", "anthropic", "gemini", "bedrock", "ollama_chat"];

    static readonly string[] HeadPieces = ["Hello", " from", " the"];
    static readonly string[] TailPieces = [" fake upstream,", " which had a great deal", " more to say", " about budgets,", " keys and limits."];
    static readonly byte[] ErrorPage = "<html><head><title>502 Bad Gateway</title></head><body>upstream connect error or disconnect/reset before headers</body></html>\r\n"u8.ToArray();

    readonly TcpListener _listener;
    readonly CancellationTokenSource _stopping = new();
    readonly Task _accepting;
    readonly ConcurrentBag<Task> _connections = [];
    int _opened;
    int _closedByPeer;

    FaultyStreams()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        _accepting = AcceptAsync();
    }

    public static FaultyStreams Start() => new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Root => $"http://127.0.0.1:{Port}";

    /// <summary>Every request served, in the order they came.</summary>
    public ConcurrentQueue<Served> Requests { get; } = new();

    /// <summary>Connections the gateway opened.</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>Connections the gateway closed (its FIN or reset seen while this side still held them).</summary>
    public int ClosedByPeer => Volatile.Read(ref _closedByPeer);

    /// <summary>One request: its scenario, and when the connection it came on was closed by the gateway.</summary>
    public sealed class Served(string scenario, string path, string body)
    {
        readonly TaskCompletionSource _proceed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Scenario { get; } = scenario;
        public string Path { get; } = path;
        public string Body { get; } = body;

        /// <summary>Completes when the gateway closed this request's connection (true) or this side did (false).</summary>
        public TaskCompletionSource<bool> ConnectionClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Lets a fault that waits after the head go ahead.</summary>
        public void Proceed() => _proceed.TrySetResult();

        internal Task Proceeding => _proceed.Task;
    }

    /// <summary>The request for <paramref name="scenario"/>, once it has come (the latest, when there are several).</summary>
    public async Task<Served> RequestFor(string scenario, CancellationToken ct)
    {
        for (var i = 0; i < 600; i++)
        {
            if (Requests.LastOrDefault(r => r.Scenario == scenario) is { } served)
                return served;
            await Task.Delay(50, ct);
        }
        throw new TimeoutException($"no request for {scenario} reached the fake upstream in 30 s");
    }

    async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _opened);
            _connections.Add(Task.Run(() => ServeConnectionAsync(socket)));
        }
    }

    async Task ServeConnectionAsync(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new byte[64 * 1024];
        Served? last = null;
        var closedByPeer = false;
        try
        {
            // One request at a time (HttpClient does not pipeline), for as long as the gateway keeps the connection.
            while (await ReadRequestAsync(stream, buffer) is { } served)
            {
                last = served;
                Requests.Enqueue(served);
                var ending = await RespondAsync(socket, stream, served, buffer);
                if (ending != Ending.KeepAlive)
                {
                    closedByPeer = ending == Ending.PeerClosed;
                    return;
                }
            }
            closedByPeer = true; // the gateway closed an idle connection
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            closedByPeer = !_stopping.IsCancellationRequested && ex is not OperationCanceledException;
        }
        finally
        {
            if (closedByPeer)
                Interlocked.Increment(ref _closedByPeer);
            last?.ConnectionClosed.TrySetResult(closedByPeer);
            await stream.DisposeAsync();
            socket.Dispose();
        }
    }

    /// <summary>Headers up to the blank line, then a Content-Length body (the gateway always sends one); null when the gateway hung up.</summary>
    async Task<Served?> ReadRequestAsync(NetworkStream stream, byte[] buffer)
    {
        var filled = 0;
        while (true)
        {
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
                var target = lines[0].Split(' ')[1];
                var contentLength = lines.Skip(1)
                    .Select(l => l.Split(':', 2))
                    .Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                    .FirstOrDefault(-1);
                if (contentLength < 0 || end + 4 + contentLength > buffer.Length)
                    throw new InvalidDataException($"a request this fake cannot read: {lines[0]}");
                while (filled < end + 4 + contentLength)
                {
                    var more = await stream.ReadAsync(buffer.AsMemory(filled), _stopping.Token);
                    if (more == 0)
                        return null;
                    filled += more;
                }
                var scenario = target.TrimStart('/').Split('/', 2)[0];
                return new Served(scenario, target, Encoding.UTF8.GetString(buffer, end + 4, contentLength));
            }
            if (filled == buffer.Length)
                throw new InvalidDataException("request headers larger than this fake reads");
            var read = await stream.ReadAsync(buffer.AsMemory(filled), _stopping.Token);
            if (read == 0)
                return null;
            filled += read;
        }
    }

    enum Ending { KeepAlive, Closed, PeerClosed }

    async Task<Ending> RespondAsync(Socket socket, NetworkStream stream, Served served, byte[] scratch)
    {
        var dash = served.Scenario.LastIndexOf('-');
        var (provider, fault) = (served.Scenario[..dash], served.Scenario[(dash + 1)..]);
        var script = Script.For(provider, served.Body);

        await WriteAsync(stream, Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: {script.ContentType}\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n"));
        foreach (var frame in script.Head)
            await ChunkAsync(stream, frame);

        switch (fault)
        {
            case "complete":
                break;
            case "firehose":
                var piece = string.Concat(Enumerable.Repeat("budget ", 16 * 1024 / 7));
                for (var i = 0; i < FirehoseChunks; i++)
                    await ChunkAsync(stream, script.Text(piece));
                break;
            case "stall" or "leave":
                // Nothing more: wait for the gateway to hang up (the read ends when it closes or resets the connection).
                using (var limit = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
                {
                    limit.CancelAfter(TimeSpan.FromMinutes(2));
                    try
                    {
                        while (await stream.ReadAsync(scratch, limit.Token) > 0)
                        {
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        return Ending.Closed; // never closed by the gateway: the test sees ConnectionClosed false
                    }
                }
                return Ending.PeerClosed;
            default:
                await served.Proceeding.WaitAsync(TimeSpan.FromSeconds(60), _stopping.Token);
                switch (fault)
                {
                    case "reset":
                        socket.LingerState = new LingerOption(true, 0); // close with RST, not FIN
                        socket.Close();
                        return Ending.Closed;
                    case "json":
                        await ChunkAsync(stream, script.BrokenJson);
                        break;
                    case "junk":
                        await ChunkAsync(stream, ErrorPage);
                        await EndAsync(stream);
                        return Ending.KeepAlive;
                    case "cut":
                        await EndAsync(stream);
                        return Ending.KeepAlive;
                    case "truncated":
                        var next = script.Tail[0];
                        await ChunkAsync(stream, next[..(next.Length / 2)]);
                        await EndAsync(stream);
                        return Ending.KeepAlive;
                    default:
                        throw new InvalidOperationException($"unknown fault {fault}");
                }
                break;
        }
        foreach (var frame in script.Tail)
            await ChunkAsync(stream, frame);
        await EndAsync(stream);
        return Ending.KeepAlive;
    }

    static async Task ChunkAsync(NetworkStream stream, byte[] data)
    {
        await WriteAsync(stream, Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"));
        await WriteAsync(stream, data);
        await WriteAsync(stream, "\r\n"u8.ToArray());
    }

    static Task EndAsync(NetworkStream stream) => WriteAsync(stream, "0\r\n\r\n"u8.ToArray());

    static async Task WriteAsync(NetworkStream stream, byte[] data)
    {
        await stream.WriteAsync(data);
        await stream.FlushAsync();
    }

    /// <summary>One provider's stream: its content type, the frames of the head and of the rest, and its broken event.</summary>
    sealed record Script(string ContentType, List<byte[]> Head, List<byte[]> Tail, byte[] BrokenJson, Func<string, byte[]> Text)
    {
        public static Script For(string provider, string body) => provider switch
        {
            "openai" => OpenAI(body.Contains("\"include_usage\":true", StringComparison.Ordinal)),
            "anthropic" => Anthropic(),
            "gemini" => Gemini(),
            "bedrock" => Bedrock(),
            "ollama_chat" => Ollama(),
            _ => throw new InvalidOperationException($"unknown provider {provider}"),
        };

        static byte[] Sse(string data) => Encoding.UTF8.GetBytes($"data: {data}\n\n");

        static byte[] Sse(string name, string data) => Encoding.UTF8.GetBytes($"event: {name}\ndata: {data}\n\n");

        static string Quote(string text) => JsonSerializer.Serialize(text);

        static Script OpenAI(bool usage)
        {
            static string Chunk(string delta, string finish = "null") =>
                $$"""{"id":"chatcmpl-fault","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_fault","choices":[{"index":0,"delta":{{delta}},"logprobs":null,"finish_reason":{{finish}}}]}""";
            byte[] Text(string text) => Sse(Chunk($$"""{"content":{{Quote(text)}}}"""));
            var head = new List<byte[]> { Sse(Chunk("""{"role":"assistant","content":"","refusal":null}""")) };
            head.AddRange(HeadPieces.Select(Text));
            var tail = TailPieces.Select(Text).ToList();
            tail.Add(Sse(Chunk("{}", "\"stop\"")));
            if (usage)
                tail.Add(Sse("""{"id":"chatcmpl-fault","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":24,"total_tokens":43}}"""));
            tail.Add(Sse("[DONE]"));
            return new Script("text/event-stream; charset=utf-8", head, tail,
                Sse("""{"id":"chatcmpl-fault","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"lost"}"""), Text);
        }

        static Script Anthropic()
        {
            byte[] Text(string text) => Sse("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":{{{Quote(text)}}}}}""");
            var head = new List<byte[]>
            {
                Sse("message_start", """{"type":"message_start","message":{"id":"msg_fault","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}"""),
                Sse("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
                Sse("ping", """{"type": "ping"}"""),
            };
            head.AddRange(HeadPieces.Select(Text));
            var tail = TailPieces.Select(Text).ToList();
            tail.Add(Sse("content_block_stop", """{"type":"content_block_stop","index":0}"""));
            tail.Add(Sse("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":24}}"""));
            tail.Add(Sse("message_stop", """{"type":"message_stop"}"""));
            return new Script("text/event-stream; charset=utf-8", head, tail,
                Sse("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lost"}"""), Text);
        }

        static Script Gemini()
        {
            // Gemini repeats usageMetadata on every event; before the last it counts only the prompt.
            static string Event(string text, string finish, string candidates) =>
                $$"""{"candidates":[{"content":{"parts":[{"text":{{Quote(text)}}}],"role":"model"}{{finish}},"index":0}],"usageMetadata":{"promptTokenCount":9{{candidates}},"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"fault"}""";
            byte[] Text(string text) => Encoding.UTF8.GetBytes($"data: {Event(text, "", "")}\r\n\r\n");
            var head = HeadPieces.Select(Text).ToList();
            var tail = TailPieces.SkipLast(1).Select(Text).ToList();
            tail.Add(Encoding.UTF8.GetBytes($"data: {Event(TailPieces[^1], ",\"finishReason\":\"STOP\"", ",\"candidatesTokenCount\":24")}\r\n\r\n"));
            return new Script("text/event-stream", head, tail,
                "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lost\"}],\"role\":\"model\"},\"index\":0}]\r\n\r\n"u8.ToArray(), Text);
        }

        static Script Bedrock()
        {
            static byte[] Text(string text) => EventStreamEncoder.Event("contentBlockDelta", $$"""{"contentBlockIndex":0,"delta":{"text":{{Quote(text)}}},"p":"abcdefgh"}""");
            var head = new List<byte[]> { EventStreamEncoder.Event("messageStart", """{"p":"abcdefghijklmnopqrstuvwxyzABCDEFGH","role":"assistant"}""") };
            head.AddRange(HeadPieces.Select(Text));
            var tail = TailPieces.Select(Text).ToList();
            tail.Add(EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":0,"p":"abcd"}"""));
            tail.Add(EventStreamEncoder.Event("messageStop", """{"p":"abcd","stopReason":"end_turn"}"""));
            tail.Add(EventStreamEncoder.Event("metadata", """{"metrics":{"latencyMs":412},"p":"abcd","usage":{"inputTokens":12,"outputTokens":24,"totalTokens":36}}"""));
            return new Script("application/vnd.amazon.eventstream", head, tail,
                EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"lost"}"""), Text);
        }

        static Script Ollama()
        {
            static byte[] Text(string text) => Encoding.UTF8.GetBytes(
                $$"""{"model":"llama3.2","created_at":"2025-01-01T00:00:00.000000Z","message":{"role":"assistant","content":{{Quote(text)}}},"done":false}""" + "\n");
            var head = HeadPieces.Select(Text).ToList();
            var tail = TailPieces.Select(Text).ToList();
            tail.Add(Encoding.UTF8.GetBytes("""{"model":"llama3.2","created_at":"2025-01-01T00:00:01.000000Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":1000,"load_duration":10,"prompt_eval_count":26,"prompt_eval_duration":10,"eval_count":24,"eval_duration":900}""" + "\n"));
            return new Script("application/x-ndjson", head, tail,
                "{\"model\":\"llama3.2\",\"created_at\":\"2025-01-01T00:00:00.000000Z\",\"message\":{\"role\":\"assistant\",\"content\":\"lost\"\n"u8.ToArray(), Text);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var connection in _connections)
        {
            try
            {
                await connection.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // A connection still writing to a gateway that stopped reading; its socket goes with the process.
            }
        }
        _stopping.Dispose();
    }
}
