using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Api.Proxy;

namespace Gateway.Api.Providers.Mock;

/// <summary>
/// The built-in mock models (<c>mock/&lt;name&gt;</c>): chat, text completions and embeddings answered in-process in
/// OpenAI's exact wire format, streams included, deterministic for the same input. A newcomer can call the
/// gateway with no provider key, and tests can check every figure.
/// </summary>
public sealed class MockProvider : Provider
{
    const int DefaultDimensions = 1536;

    public override ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(call.Request.Body.Memory);
        var root = document.RootElement;
        var model = call.Deployment.UpstreamModel;
        var id = call.RequestId.ToString("N");
        var created = call.StartedAt.ToUnixTimeSeconds();

        UpstreamReply reply = call.Request.Endpoint switch
        {
            OpenAIEndpoint.Embeddings => new UpstreamBody(Embeddings(root, model)),
            OpenAIEndpoint.ChatCompletions => Chat(call.Request, root, model, id, created),
            _ => Text(call.Request, root, model, id, created),
        };
        return ValueTask.FromResult(reply);
    }

    static UpstreamReply Chat(ProxyRequest request, JsonElement root, string model, string id, long created)
    {
        var messages = root.GetProperty("messages");
        var lastUser = "";
        foreach (var message in messages.EnumerateArray())
            if (message.TryGetProperty("role", out var role) && role.ValueEquals("user"))
                lastUser = MockReply.ContentText(message);

        var content = MockReply.For(model, root, lastUser);
        var finish = MockReply.Truncate(ref content, request.MaxTokens) ? "length" : "stop";
        var usage = new MockUsage(MockReply.PromptTokens(messages), MockReply.Tokens(content) * request.N);
        id = "chatcmpl-" + id;

        if (!request.Stream)
        {
            return new UpstreamBody(Write(json =>
            {
                json.WriteString("id", id);
                json.WriteString("object", "chat.completion");
                json.WriteNumber("created", created);
                json.WriteString("model", model);
                json.WriteStartArray("choices");
                for (var i = 0; i < request.N; i++)
                {
                    json.WriteStartObject();
                    json.WriteNumber("index", i);
                    json.WriteStartObject("message");
                    json.WriteString("role", "assistant");
                    json.WriteString("content", content);
                    json.WriteNull("refusal");
                    json.WriteEndObject();
                    json.WriteNull("logprobs");
                    json.WriteString("finish_reason", finish);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                usage.Write(json);
                json.WriteNull("system_fingerprint");
            }));
        }

        return new UpstreamStream(ChatChunks(id, created, model, content, finish, usage, request.N));
    }

    static async IAsyncEnumerable<ReadOnlyMemory<byte>> ChatChunks(
        string id, long created, string model, string content, string finish, MockUsage usage, int n)
    {
        await Task.Yield();
        for (var i = 0; i < n; i++)
            yield return ChatChunk(id, created, model, i, json => { json.WriteString("role", "assistant"); json.WriteString("content", ""); }, null);
        foreach (var piece in MockReply.Pieces(content))
            for (var i = 0; i < n; i++)
                yield return ChatChunk(id, created, model, i, json => json.WriteString("content", piece), null);
        for (var i = 0; i < n; i++)
            yield return ChatChunk(id, created, model, i, _ => { }, finish);
        yield return UsageChunk(id, "chat.completion.chunk", created, model, usage);
    }

    static ReadOnlyMemory<byte> ChatChunk(string id, long created, string model, int index, Action<Utf8JsonWriter> delta, string? finish) =>
        Write(json =>
        {
            json.WriteString("id", id);
            json.WriteString("object", "chat.completion.chunk");
            json.WriteNumber("created", created);
            json.WriteString("model", model);
            json.WriteNull("system_fingerprint");
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", index);
            json.WriteStartObject("delta");
            delta(json);
            json.WriteEndObject();
            json.WriteNull("logprobs");
            if (finish is null) json.WriteNull("finish_reason"); else json.WriteString("finish_reason", finish);
            json.WriteEndObject();
            json.WriteEndArray();
        });

    static ReadOnlyMemory<byte> UsageChunk(string id, string type, long created, string model, MockUsage usage) =>
        Write(json =>
        {
            json.WriteString("id", id);
            json.WriteString("object", type);
            json.WriteNumber("created", created);
            json.WriteString("model", model);
            json.WriteNull("system_fingerprint");
            json.WriteStartArray("choices");
            json.WriteEndArray();
            usage.Write(json);
        });

    static UpstreamReply Text(ProxyRequest request, JsonElement root, string model, string id, long created)
    {
        var prompt = root.GetProperty("prompt");
        var promptText = prompt.ValueKind == JsonValueKind.String
            ? prompt.GetString() ?? ""
            : string.Join('\n', prompt.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText()));
        var text = MockReply.For(model, root, promptText);
        var finish = MockReply.Truncate(ref text, request.MaxTokens) ? "length" : "stop";
        var usage = new MockUsage(MockReply.Tokens(promptText), MockReply.Tokens(text) * request.N);
        id = "cmpl-" + id;

        if (!request.Stream)
        {
            return new UpstreamBody(Write(json =>
            {
                json.WriteString("id", id);
                json.WriteString("object", "text_completion");
                json.WriteNumber("created", created);
                json.WriteString("model", model);
                json.WriteStartArray("choices");
                for (var i = 0; i < request.N; i++)
                    TextChoice(json, i, text, finish);
                json.WriteEndArray();
                usage.Write(json);
            }));
        }

        return new UpstreamStream(TextChunks(id, created, model, text, finish, usage, request.N));
    }

    static async IAsyncEnumerable<ReadOnlyMemory<byte>> TextChunks(
        string id, long created, string model, string text, string finish, MockUsage usage, int n)
    {
        await Task.Yield();
        var pieces = MockReply.Pieces(text).ToList();
        for (var p = 0; p < pieces.Count; p++)
            for (var i = 0; i < n; i++)
                yield return TextChunk(id, created, model, i, pieces[p], p == pieces.Count - 1 ? finish : null);
        yield return UsageChunk(id, "text_completion", created, model, usage);
    }

    static ReadOnlyMemory<byte> TextChunk(string id, long created, string model, int index, string text, string? finish) =>
        Write(json =>
        {
            json.WriteString("id", id);
            json.WriteString("object", "text_completion");
            json.WriteNumber("created", created);
            json.WriteString("model", model);
            json.WriteStartArray("choices");
            TextChoice(json, index, text, finish);
            json.WriteEndArray();
        });

    static void TextChoice(Utf8JsonWriter json, int index, string text, string? finish)
    {
        json.WriteStartObject();
        json.WriteString("text", text);
        json.WriteNumber("index", index);
        json.WriteNull("logprobs");
        if (finish is null) json.WriteNull("finish_reason"); else json.WriteString("finish_reason", finish);
        json.WriteEndObject();
    }

    static ReadOnlyMemory<byte> Embeddings(JsonElement root, string model)
    {
        var inputs = new List<string>();
        var input = root.GetProperty("input");
        if (input.ValueKind == JsonValueKind.String)
            inputs.Add(input.GetString() ?? "");
        else if (input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number))
            inputs.Add(input.GetRawText()); // one input given as token ids
        else
            inputs.AddRange(input.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText()));

        var dimensions = root.TryGetProperty("dimensions", out var d) && d.TryGetInt32(out var dims) && dims is > 0 and <= 8192
            ? dims
            : DefaultDimensions;
        var base64 = root.TryGetProperty("encoding_format", out var format) && format.ValueEquals("base64");
        var tokens = inputs.Sum(MockReply.Tokens);

        return Write(json =>
        {
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            var vector = new float[dimensions];
            for (var i = 0; i < inputs.Count; i++)
            {
                Vector(inputs[i], vector);
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (base64)
                {
                    json.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector.AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (var value in vector)
                        json.WriteNumberValue(value);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("model", model);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
        });
    }

    /// <summary>A unit vector seeded by the SHA-256 of the input: the same text always maps to the same point.</summary>
    static void Vector(string input, Span<float> vector)
    {
        Span<byte> seed = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), seed);
        var state = BitConverter.ToUInt64(seed) | 1;
        double norm = 0;
        for (var i = 0; i < vector.Length; i++)
        {
            // xorshift64*: cheap, deterministic across platforms.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            var next = state * 0x2545F4914F6CDD1DUL;
            vector[i] = (float)((next >> 11) * (1.0 / (1UL << 53)) * 2 - 1);
            norm += vector[i] * vector[i];
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < vector.Length; i++)
            vector[i] *= scale;
    }

    static ReadOnlyMemory<byte> Write(Action<Utf8JsonWriter> body)
    {
        var output = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return output.WrittenMemory;
    }

    readonly record struct MockUsage(int Prompt, int Completion)
    {
        public void Write(Utf8JsonWriter json)
        {
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", Prompt);
            json.WriteNumber("completion_tokens", Completion);
            json.WriteNumber("total_tokens", Prompt + Completion);
            json.WriteStartObject("prompt_tokens_details");
            json.WriteNumber("cached_tokens", 0);
            json.WriteEndObject();
            json.WriteStartObject("completion_tokens_details");
            json.WriteNumber("reasoning_tokens", 0);
            json.WriteEndObject();
            json.WriteEndObject();
        }
    }
}
