using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// Turns the SSE events of <c>:streamGenerateContent?alt=sse</c> (each a whole <c>GenerateContentResponse</c> holding
/// the next piece of each candidate) into OpenAI <c>chat.completion.chunk</c>s: a delta per candidate with its text,
/// thoughts (<c>reasoning_content</c>) and complete function calls (Gemini streams a call in one piece, so each arrives
/// as one tool-call delta with its id, name and arguments); a chunk with the finish reason when a candidate finishes
/// (<c>tool_calls</c> if it called any); <c>content_filter</c> when the prompt was blocked. Gemini repeats
/// <c>usageMetadata</c> on its events, the last being final; <see cref="UsageChunk"/> writes it as the closing usage
/// chunk (when Gemini sent none, there is none, and the proxy counts the tokens itself and says they are estimated).
/// One reused buffer: chunks are valid until the next call.
/// </summary>
internal sealed class GeminiStream(string id, long created, UpstreamCall call) : IDisposable
{
    sealed class Candidate
    {
        public bool Started;
        public int ToolCalls;
        public bool Finished;
    }

    readonly string _model = call.Deployment.UpstreamModel;
    readonly ArrayBufferWriter<byte> _buffer = new(1024);
    readonly List<(int Start, int Length)> _chunks = new(4);
    readonly Dictionary<int, Candidate> _candidates = [];
    readonly List<FunctionCallPart> _calls = [];
    Utf8JsonWriter? _writer;
    GeminiUsage? _usage;

    /// <summary>True once a candidate finished or the prompt was blocked: the stream said all it had to say.</summary>
    public bool Finished { get; private set; }

    /// <summary>Translates one event into chunks (read them with <see cref="Chunk"/>); an error event is returned instead.</summary>
    public int Translate(ReadOnlySpan<byte> data, out ApiError? error)
    {
        error = null;
        _buffer.ResetWrittenCount();
        _chunks.Clear();
        _calls.Clear();

        var reader = new Utf8JsonReader(data);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException("an event is not a JSON object");
        if (root.TryGetProperty("error", out _))
        {
            error = GeminiErrors.FromResponse(call.Deployment.ProviderName, 500, data);
            return 0;
        }

        if (GeminiUsage.Read(root) is { } usage)
            _usage = usage;

        if (GeminiParts.BlockReason(root) is not null)
        {
            WriteChunk(Get(0), 0, null, null, finishReason: "content_filter");
            Finished = true;
            return _chunks.Count;
        }

        if (root.TryGetProperty("candidates", out var candidates) && candidates.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var element in candidates.EnumerateArray())
            {
                var index = GeminiParts.Index(element, position++);
                var candidate = Get(index);
                StringBuilder? text = null, thoughts = null;
                _calls.Clear();
                GeminiParts.Read(element, ref text, ref thoughts, _calls);
                if (text is not null || thoughts is not null || _calls.Count > 0)
                    WriteChunk(candidate, index, text?.ToString(), thoughts?.ToString(), finishReason: null);

                if (GeminiParts.FinishReason(element) is { } reason && !candidate.Finished)
                {
                    candidate.Finished = true;
                    Finished = true;
                    _calls.Clear();
                    WriteChunk(candidate, index, null, null, GeminiFinishReason.ToOpenAI(reason, candidate.ToolCalls > 0));
                }
            }
        }
        return _chunks.Count;
    }

    public ReadOnlyMemory<byte> Chunk(int index) => _buffer.WrittenMemory.Slice(_chunks[index].Start, _chunks[index].Length);

    /// <summary>The closing chunk: no choices, the call's usage as Gemini last reported it; null when it reported none.</summary>
    public ReadOnlyMemory<byte>? UsageChunk()
    {
        if (_usage is not { } usage)
            return null;
        _buffer.ResetWrittenCount();
        var json = Begin();
        json.WriteStartArray("choices");
        json.WriteEndArray();
        usage.Write(json);
        json.WriteEndObject();
        json.Flush();
        return _buffer.WrittenMemory;
    }

    void WriteChunk(Candidate candidate, int index, string? text, string? thoughts, string? finishReason)
    {
        var start = _buffer.WrittenCount;
        var json = Begin();
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", index);
        json.WriteStartObject("delta");
        if (!candidate.Started)
        {
            json.WriteString("role", "assistant");
            candidate.Started = true;
        }
        if (text is not null)
            json.WriteString("content", text);
        if (thoughts is not null)
            json.WriteString("reasoning_content", thoughts);
        if (_calls.Count > 0)
        {
            json.WriteStartArray("tool_calls");
            foreach (var function in _calls)
            {
                json.WriteStartObject();
                json.WriteNumber("index", candidate.ToolCalls++);
                json.WriteString("id", ToolCallIds.New(function.Signature));
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", function.Name);
                json.WriteString("arguments", function.Arguments);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        if (finishReason is null)
            json.WriteNull("finish_reason");
        else
            json.WriteString("finish_reason", finishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        _chunks.Add((start, _buffer.WrittenCount - start));
    }

    Utf8JsonWriter Begin()
    {
        if (_writer is null)
            _writer = new Utf8JsonWriter(_buffer);
        else
            _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("id", id);
        _writer.WriteString("object", "chat.completion.chunk");
        _writer.WriteNumber("created", created);
        _writer.WriteString("model", _model);
        return _writer;
    }

    Candidate Get(int index)
    {
        if (!_candidates.TryGetValue(index, out var candidate))
            _candidates[index] = candidate = new Candidate();
        return candidate;
    }

    public void Dispose() => _writer?.Dispose();
}
