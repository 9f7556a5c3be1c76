using System.Buffers;
using System.Text.Json;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// Turns ConverseStream events into OpenAI <c>chat.completion.chunk</c> objects, one event at a time:
/// <c>messageStart</c> → the role; <c>contentBlockStart</c> with <c>toolUse</c> → a tool call's id and name;
/// <c>contentBlockDelta</c> → text, reasoning, or tool arguments; <c>messageStop</c> → the finish reason;
/// <c>metadata</c> → the final usage chunk (<c>"choices": []</c>). One reused buffer: a chunk is valid until the next event.
/// </summary>
internal sealed class ConverseStreamTranslator(string id, long created, string model, bool jsonMode) : IDisposable
{
    readonly ArrayBufferWriter<byte> _output = new(512);
    Utf8JsonWriter? _writer;

    // Converse numbers content blocks across text and tools; OpenAI numbers tool calls alone.
    readonly Dictionary<int, int> _toolIndexByBlock = [];
    int _jsonBlock = -1;
    bool _answeredAsJson;

    public ReadOnlyMemory<byte> Chunk => _output.WrittenMemory;

    /// <summary>True once <c>messageStop</c> came: the message is whole (the usage in <c>metadata</c> may still follow).</summary>
    public bool Stopped { get; private set; }

    /// <summary>Translates one event; true when it produced a chunk (then read <see cref="Chunk"/>).</summary>
    public bool Translate(string? eventType, ReadOnlyMemory<byte> payload)
    {
        switch (eventType)
        {
            case "messageStart":
                var writer = BeginDelta();
                writer.WriteString("role", "assistant");
                writer.WriteString("content", "");
                EndDelta(writer);
                return true;
            case "contentBlockStart":
                return ContentBlockStart(payload);
            case "contentBlockDelta":
                return ContentBlockDelta(payload);
            case "messageStop":
                return MessageStop(payload);
            case "metadata":
                return Metadata(payload);
            default:
                return false; // contentBlockStop, and events added after this was written
        }
    }

    bool ContentBlockStart(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (!root.TryGetProperty("start", out var start) || !start.TryGetProperty("toolUse", out var toolUse))
            return false;

        var block = root.TryGetProperty("contentBlockIndex", out var b) ? b.GetInt32() : 0;
        var name = toolUse.GetProperty("name").GetString();
        if (jsonMode && name == ConverseRequest.JsonToolName)
        {
            _jsonBlock = block;
            _answeredAsJson = true;
            return false;
        }

        var index = _toolIndexByBlock.Count;
        _toolIndexByBlock[block] = index;
        var writer = BeginDelta();
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteString("id", toolUse.GetProperty("toolUseId").GetString());
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", name);
        writer.WriteString("arguments", "");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndDelta(writer);
        return true;
    }

    bool ContentBlockDelta(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (!root.TryGetProperty("delta", out var delta))
            return false;
        var block = root.TryGetProperty("contentBlockIndex", out var b) ? b.GetInt32() : 0;

        if (delta.TryGetProperty("text", out var text))
        {
            var writer = BeginDelta();
            writer.WriteString("content", text.GetString());
            EndDelta(writer);
            return true;
        }

        if (delta.TryGetProperty("toolUse", out var toolUse) && toolUse.TryGetProperty("input", out var input))
        {
            if (block == _jsonBlock)
            {
                var json = BeginDelta();
                json.WriteString("content", input.GetString());
                EndDelta(json);
                return true;
            }
            if (!_toolIndexByBlock.TryGetValue(block, out var index))
                return false; // arguments for a block that never started: nothing to attach them to
            var writer = BeginDelta();
            writer.WriteStartArray("tool_calls");
            writer.WriteStartObject();
            writer.WriteNumber("index", index);
            writer.WriteStartObject("function");
            writer.WriteString("arguments", input.GetString());
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            EndDelta(writer);
            return true;
        }

        if (delta.TryGetProperty("reasoningContent", out var reasoning) && reasoning.TryGetProperty("text", out var thought))
        {
            var writer = BeginDelta();
            writer.WriteString("reasoning_content", thought.GetString());
            EndDelta(writer);
            return true;
        }
        return false;
    }

    bool MessageStop(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var stopReason = document.RootElement.TryGetProperty("stopReason", out var reason) ? reason.GetString() : null;
        var finishReason = _answeredAsJson && _toolIndexByBlock.Count == 0 ? "stop" : ConverseStopReason.ToFinishReason(stopReason);
        EndDelta(BeginDelta(), finishReason);
        Stopped = true;
        return true;
    }

    bool Metadata(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        if (!document.RootElement.TryGetProperty("usage", out var usage))
            return false;
        var counts = ConverseUsage.Read(usage);
        var writer = Begin();
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        counts.Write(writer);
        writer.WriteEndObject();
        writer.Flush();
        return true;
    }

    /// <summary>Starts a chunk with one choice and leaves the writer inside its <c>delta</c> object.</summary>
    Utf8JsonWriter BeginDelta()
    {
        var writer = Begin();
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("delta");
        return writer;
    }

    void EndDelta(Utf8JsonWriter writer, string? finishReason = null)
    {
        writer.WriteEndObject();
        if (finishReason is null)
            writer.WriteNull("finish_reason");
        else
            writer.WriteString("finish_reason", finishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    Utf8JsonWriter Begin()
    {
        _output.ResetWrittenCount();
        if (_writer is null)
            _writer = new Utf8JsonWriter(_output);
        else
            _writer.Reset(_output);
        _writer.WriteStartObject();
        _writer.WriteString("id", id);
        _writer.WriteString("object", "chat.completion.chunk");
        _writer.WriteNumber("created", created);
        _writer.WriteString("model", model);
        return _writer;
    }

    public void Dispose() => _writer?.Dispose();
}
