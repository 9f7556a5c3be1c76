using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Gateway.Api.Errors;
using static Gateway.Api.Providers.Anthropic.AnthropicBlocks;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>
/// Anthropic's stream events as OpenAI chunks: <c>message_start</c> opens the reply (role and input usage),
/// <c>text_delta</c> becomes content, <c>input_json_delta</c> tool-call argument pieces (or content, for JSON mode's
/// forced tool), <c>thinking_delta</c> LiteLLM's <c>reasoning_content</c>, <c>message_delta</c> the finish reason
/// and output usage, <c>message_stop</c> the final usage chunk the proxy charges from; <c>ping</c> is skipped and an
/// <c>error</c> event ends the stream with that error. A stream that stops early is still charged for what it
/// produced: a usage chunk with the counts so far goes out before the error.
/// </summary>
public sealed class AnthropicStream
{
    readonly ArrayBufferWriter<byte> _output = new(1024);
    readonly Utf8JsonWriter _json;
    readonly Dictionary<int, (BlockKind Kind, int ToolIndex)> _blocks = [];
    readonly bool _jsonMode;
    readonly long _created;
    string _id = "msg_unknown";
    string _model;
    AnthropicUsage _usage;
    int _tools;
    bool _answeredByJsonTool;
    int _producedChars;
    int _thinkingChars;
    ApiError? _error;

    AnthropicStream(bool jsonMode, long created, string model)
    {
        _jsonMode = jsonMode;
        _created = created;
        _model = model;
        _json = new Utf8JsonWriter(_output);
    }

    enum BlockKind { Text, Thinking, Tool, JsonTool, Other }

    enum Step { Nothing, Chunk, Finished, Failed }

    bool Started { get; set; }

    ReadOnlyMemory<byte> Output => _output.WrittenMemory;

    /// <summary>Reads the SSE body and yields each OpenAI chunk; an item is valid until the next is requested.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ToOpenAI(
        Stream body, string provider, bool jsonMode, long created, string model, [EnumeratorCancellation] CancellationToken ct)
    {
        var state = new AnthropicStream(jsonMode, created, model);
        var events = SseChunks.ReadAsync(body, ct).GetAsyncEnumerator(ct);
        string? broken = null;
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync();
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
                {
                    broken = $"the stream broke: {ex.Message}";
                    more = false;
                }
                if (!more || events.Current.IsDone)
                    break;

                Step step;
                try
                {
                    step = state.Handle(events.Current);
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
                {
                    throw new UpstreamStreamException(ApiError.UpstreamInvalidResponse(provider, $"an unreadable stream event: {ex.Message}"));
                }

                switch (step)
                {
                    case Step.Chunk:
                        yield return state.Output;
                        break;
                    case Step.Finished:
                        yield return state.Output;
                        yield break;
                    case Step.Failed:
                        if (state.Started)
                        {
                            state.WriteUsageSoFar();
                            yield return state.Output;
                        }
                        throw new UpstreamStreamException(state._error!);
                }
            }

            // The body ended (or broke) before message_stop: charge what was produced, then report the break.
            if (state.Started)
            {
                state.WriteUsageSoFar();
                yield return state.Output;
            }
            throw new UpstreamStreamException(ApiError.UpstreamUnreachable(provider, broken ?? "the stream ended before message_stop"));
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    Step Handle(SseChunks.Event item)
    {
        using var document = JsonDocument.Parse(item.Data);
        var root = document.RootElement;
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : item.EventType;
        switch (type)
        {
            case "message_start":
                return MessageStart(root.GetProperty("message"));
            case "content_block_start":
                return BlockStart(root.GetProperty("index").GetInt32(), root.GetProperty("content_block"));
            case "content_block_delta":
                return BlockDelta(root.GetProperty("index").GetInt32(), root.GetProperty("delta"));
            case "message_delta":
                return MessageDelta(root);
            case "message_stop":
                WriteUsageChunk(_usage);
                return Step.Finished;
            case "error":
                _error = AnthropicErrors.FromStreamEvent(item.Data.Span);
                return Step.Failed;
            default:
                return Step.Nothing; // ping, content_block_stop, and event types added later
        }
    }

    Step MessageStart(JsonElement message)
    {
        Started = true;
        _id = Text(message, "id") ?? _id;
        _model = Text(message, "model") ?? _model;
        if (message.TryGetProperty("usage", out var usage))
            _usage = AnthropicUsage.From(usage);

        StartChunk();
        _json.WriteString("role", "assistant");
        _json.WriteString("content", "");
        EndChunk(null);
        return Step.Chunk;
    }

    Step BlockStart(int index, JsonElement block)
    {
        switch (Text(block, "type"))
        {
            case "text":
                _blocks[index] = (BlockKind.Text, -1);
                return Content(Text(block, "text"));
            case "thinking":
                _blocks[index] = (BlockKind.Thinking, -1);
                return Reasoning(Text(block, "thinking"));
            case "tool_use" when _jsonMode && Text(block, "name") == AnthropicRequest.JsonToolName:
                _blocks[index] = (BlockKind.JsonTool, -1);
                _answeredByJsonTool = true;
                return Step.Nothing;
            case "tool_use":
                var toolIndex = _tools++;
                _blocks[index] = (BlockKind.Tool, toolIndex);
                StartChunk();
                _json.WriteStartArray("tool_calls");
                _json.WriteStartObject();
                _json.WriteNumber("index", toolIndex);
                _json.WriteString("id", Text(block, "id"));
                _json.WriteString("type", "function");
                _json.WriteStartObject("function");
                _json.WriteString("name", Text(block, "name"));
                _json.WriteString("arguments", "");
                _json.WriteEndObject();
                _json.WriteEndObject();
                _json.WriteEndArray();
                EndChunk(null);
                return Step.Chunk;
            default:
                _blocks[index] = (BlockKind.Other, -1); // redacted thinking, server tool results: nothing OpenAI can carry
                return Step.Nothing;
        }
    }

    Step BlockDelta(int index, JsonElement delta)
    {
        var (kind, toolIndex) = _blocks.GetValueOrDefault(index, (BlockKind.Other, -1));
        switch (Text(delta, "type"))
        {
            case "text_delta":
                return Content(Text(delta, "text"));
            case "thinking_delta":
                var thinking = Text(delta, "thinking");
                _thinkingChars += thinking?.Length ?? 0;
                return Reasoning(thinking);
            case "input_json_delta" when kind == BlockKind.JsonTool:
                return Content(Text(delta, "partial_json"));
            case "input_json_delta" when kind == BlockKind.Tool:
                var partial = Text(delta, "partial_json");
                if (string.IsNullOrEmpty(partial))
                    return Step.Nothing;
                _producedChars += partial.Length;
                StartChunk();
                _json.WriteStartArray("tool_calls");
                _json.WriteStartObject();
                _json.WriteNumber("index", toolIndex);
                _json.WriteStartObject("function");
                _json.WriteString("arguments", partial);
                _json.WriteEndObject();
                _json.WriteEndObject();
                _json.WriteEndArray();
                EndChunk(null);
                return Step.Chunk;
            default:
                return Step.Nothing; // signature_delta, citations_delta
        }
    }

    Step MessageDelta(JsonElement root)
    {
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            // Each count message_delta gives is the running total; the ones it leaves out stand.
            var update = AnthropicUsage.From(usage);
            _usage = new AnthropicUsage(
                usage.TryGetProperty("input_tokens", out _) ? update.InputTokens : _usage.InputTokens,
                usage.TryGetProperty("output_tokens", out _) ? update.OutputTokens : _usage.OutputTokens,
                usage.TryGetProperty("cache_read_input_tokens", out _) ? update.CacheReadInputTokens : _usage.CacheReadInputTokens,
                usage.TryGetProperty("cache_creation_input_tokens", out _) ? update.CacheCreationInputTokens : _usage.CacheCreationInputTokens);
        }

        var stopReason = root.TryGetProperty("delta", out var delta) ? Text(delta, "stop_reason") : null;
        if (stopReason is null)
            return Step.Nothing;
        StartChunk();
        EndChunk(AnthropicStopReasons.ToFinishReason(stopReason, _answeredByJsonTool && _tools == 0));
        return Step.Chunk;
    }

    Step Content(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return Step.Nothing;
        _producedChars += text.Length;
        StartChunk();
        _json.WriteString("content", text);
        EndChunk(null);
        return Step.Chunk;
    }

    Step Reasoning(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return Step.Nothing;
        _producedChars += text.Length;
        StartChunk();
        _json.WriteString("reasoning_content", text);
        EndChunk(null);
        return Step.Chunk;
    }

    /// <summary>A stream cut short: the output counted so far, or an estimate from what was sent when that is more.</summary>
    void WriteUsageSoFar() =>
        WriteUsageChunk(_usage with { OutputTokens = Math.Max(_usage.OutputTokens, AnthropicUsage.EstimateTokens(_producedChars)) });

    void WriteUsageChunk(AnthropicUsage usage)
    {
        Reset();
        _json.WriteStartObject();
        WriteHeader();
        _json.WriteStartArray("choices");
        _json.WriteEndArray();
        usage.WriteOpenAI(_json, AnthropicUsage.EstimateTokens(_thinkingChars));
        _json.WriteEndObject();
        _json.Flush();
    }

    void StartChunk()
    {
        Reset();
        _json.WriteStartObject();
        WriteHeader();
        _json.WriteStartArray("choices");
        _json.WriteStartObject();
        _json.WriteNumber("index", 0);
        _json.WriteStartObject("delta");
    }

    void EndChunk(string? finishReason)
    {
        _json.WriteEndObject(); // delta
        _json.WriteNull("logprobs");
        if (finishReason is null)
            _json.WriteNull("finish_reason");
        else
            _json.WriteString("finish_reason", finishReason);
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
    }

    void WriteHeader()
    {
        _json.WriteString("id", _id);
        _json.WriteString("object", "chat.completion.chunk");
        _json.WriteNumber("created", _created);
        _json.WriteString("model", _model);
    }

    void Reset()
    {
        _output.ResetWrittenCount();
        _json.Reset(_output);
    }
}
