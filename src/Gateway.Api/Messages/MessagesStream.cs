using System.Buffers;
using System.Text.Json;
using Gateway.Api.Errors;
using static Gateway.Api.Providers.Anthropic.AnthropicBlocks;

namespace Gateway.Api.Messages;

/// <summary>
/// OpenAI chunks as Anthropic's stream, in its documented order: <c>message_start</c>; for each content block a
/// <c>content_block_start</c>, its deltas (<c>thinking_delta</c>, <c>text_delta</c>, <c>input_json_delta</c>) and a
/// <c>content_block_stop</c>; then <c>message_delta</c> with the stop reason and the usage, and <c>message_stop</c>.
/// OpenAI reports usage only in its last chunk, so <c>message_start</c> carries zeros and <c>message_delta</c> the real
/// counts (input, output and cache), as Anthropic's SDKs merge them. Each event has its <c>event:</c> line.
/// </summary>
public sealed class MessagesStream
{
    enum Block { None, Thinking, Text, Tool }

    static readonly byte[] EventPrefix = "event: "u8.ToArray();
    static readonly byte[] DataPrefix = "\ndata: "u8.ToArray();
    static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    readonly Utf8JsonWriter _json = new(new ArrayBufferWriter<byte>(1));
    bool _started;
    string _id = "msg_gateway";
    string _model = "";
    Block _open = Block.None;
    int _openIndex = -1;
    int _openToolCall = -1;
    string? _openToolId;
    string _stopReason = "end_turn";
    MessagesUsage _usage;

    /// <summary>Writes the events one OpenAI chunk makes (none, for a chunk that only carries usage).</summary>
    public void Write(ReadOnlyMemory<byte> chunk, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(chunk);
        var root = document.RootElement;
        if (!_started)
        {
            _id = Text(root, "id") ?? _id;
            _model = Text(root, "model") ?? _model;
            MessageStart(output);
        }
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            _usage = MessagesUsage.From(usage);
        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            return;

        var choice = choices[0];
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            if ((Text(delta, "reasoning_content") ?? Text(delta, "reasoning")) is { Length: > 0 } thinking)
            {
                Open(output, Block.Thinking);
                Delta(output, "thinking_delta", "thinking", thinking);
            }
            if (Text(delta, "content") is { Length: > 0 } text)
            {
                Open(output, Block.Text);
                Delta(output, "text_delta", "text", text);
            }
            if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                foreach (var call in calls.EnumerateArray())
                    ToolCall(output, call);
        }
        if (Text(choice, "finish_reason") is { } finish)
            _stopReason = MessagesResponse.StopReason(finish);
    }

    /// <summary>Closes the open block and the message.</summary>
    public void End(IBufferWriter<byte> output)
    {
        if (!_started)
            MessageStart(output);
        Close(output);

        Start(output, "message_delta"u8);
        _json.WriteString("type", "message_delta");
        _json.WriteStartObject("delta");
        _json.WriteString("stop_reason", _stopReason);
        _json.WriteNull("stop_sequence");
        _json.WriteEndObject();
        _usage.Write(_json);
        _json.WriteEndObject();
        Finish(output);

        Start(output, "message_stop"u8);
        _json.WriteString("type", "message_stop");
        _json.WriteEndObject();
        Finish(output);
    }

    /// <summary>Anthropic's <c>error</c> event, for a stream that broke after it started.</summary>
    public void Error(ApiError error, IBufferWriter<byte> output)
    {
        Start(output, "error"u8);
        MessagesErrors.WriteProperties(_json, error);
        _json.WriteEndObject();
        Finish(output);
    }

    void ToolCall(IBufferWriter<byte> output, JsonElement call)
    {
        var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        var id = Text(call, "id");
        // A new call has a new index (or, from some servers, only a new id); the rest are its argument pieces.
        if (_open != Block.Tool || index != _openToolCall || id is not null && id != _openToolId)
        {
            Close(output);
            _open = Block.Tool;
            _openIndex++;
            _openToolCall = index;
            _openToolId = id;
            Start(output, "content_block_start"u8);
            _json.WriteString("type", "content_block_start");
            _json.WriteNumber("index", _openIndex);
            _json.WriteStartObject("content_block");
            _json.WriteString("type", "tool_use");
            _json.WriteString("id", id ?? $"toolu_{_id}_{index}");
            _json.WriteString("name", function.ValueKind == JsonValueKind.Object ? Text(function, "name") ?? "" : "");
            _json.WriteStartObject("input");
            _json.WriteEndObject();
            _json.WriteEndObject();
            _json.WriteEndObject();
            Finish(output);
        }
        if (function.ValueKind == JsonValueKind.Object && Text(function, "arguments") is { Length: > 0 } arguments)
            Delta(output, "input_json_delta", "partial_json", arguments);
    }

    void MessageStart(IBufferWriter<byte> output)
    {
        _started = true;
        Start(output, "message_start"u8);
        _json.WriteString("type", "message_start");
        _json.WriteStartObject("message");
        _json.WriteString("id", _id);
        _json.WriteString("type", "message");
        _json.WriteString("role", "assistant");
        _json.WriteString("model", _model);
        _json.WriteStartArray("content");
        _json.WriteEndArray();
        _json.WriteNull("stop_reason");
        _json.WriteNull("stop_sequence");
        default(MessagesUsage).Write(_json);
        _json.WriteEndObject();
        _json.WriteEndObject();
        Finish(output);
    }

    /// <summary>Opens a text or thinking block unless one of that kind is already open.</summary>
    void Open(IBufferWriter<byte> output, Block kind)
    {
        if (_open == kind)
            return;
        Close(output);
        _open = kind;
        _openIndex++;
        Start(output, "content_block_start"u8);
        _json.WriteString("type", "content_block_start");
        _json.WriteNumber("index", _openIndex);
        _json.WriteStartObject("content_block");
        if (kind == Block.Text)
        {
            _json.WriteString("type", "text");
            _json.WriteString("text", "");
        }
        else
        {
            _json.WriteString("type", "thinking");
            _json.WriteString("thinking", "");
            _json.WriteString("signature", "");
        }
        _json.WriteEndObject();
        _json.WriteEndObject();
        Finish(output);
    }

    void Close(IBufferWriter<byte> output)
    {
        if (_open == Block.None)
            return;
        Start(output, "content_block_stop"u8);
        _json.WriteString("type", "content_block_stop");
        _json.WriteNumber("index", _openIndex);
        _json.WriteEndObject();
        Finish(output);
        _open = Block.None;
        _openToolCall = -1;
    }

    void Delta(IBufferWriter<byte> output, string type, string field, string value)
    {
        Start(output, "content_block_delta"u8);
        _json.WriteString("type", "content_block_delta");
        _json.WriteNumber("index", _openIndex);
        _json.WriteStartObject("delta");
        _json.WriteString("type", type);
        _json.WriteString(field, value);
        _json.WriteEndObject();
        _json.WriteEndObject();
        Finish(output);
    }

    /// <summary><c>event: name</c>, then the data line's JSON object is opened.</summary>
    void Start(IBufferWriter<byte> output, ReadOnlySpan<byte> name)
    {
        output.Write(EventPrefix);
        output.Write(name);
        output.Write(DataPrefix);
        _json.Reset(output);
        _json.WriteStartObject();
    }

    void Finish(IBufferWriter<byte> output)
    {
        _json.Flush();
        output.Write(EventEnd);
    }
}
