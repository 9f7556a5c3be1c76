using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Api.Providers.Ollama;

/// <summary>A tool call as Ollama reports it; <see cref="Arguments"/> is the arguments object as JSON text.</summary>
public sealed record OllamaToolCall(string? Id, string Name, string Arguments);

/// <summary>
/// One object of Ollama's answer — a whole response, or one line of a stream — read with <see cref="Utf8JsonReader"/>
/// into buffers reused from line to line: <c>message.content</c>,
/// <c>message.thinking</c> (or <c>thinking</c>), <c>message.tool_calls</c>, <c>done</c>, <c>done_reason</c>,
/// <c>prompt_eval_count</c>, <c>eval_count</c>, and <c>error</c>.
/// </summary>
public sealed class OllamaOutput : IDisposable
{
    byte[] _content = ArrayPool<byte>.Shared.Rent(1024);
    byte[] _thinking = ArrayPool<byte>.Shared.Rent(256);
    int _contentLength, _thinkingLength;

    /// <summary>The text produced (UTF-8).</summary>
    public ReadOnlySpan<byte> Content => _content.AsSpan(0, _contentLength);

    /// <summary>The reasoning produced by a thinking model (UTF-8).</summary>
    public ReadOnlySpan<byte> Thinking => _thinking.AsSpan(0, _thinkingLength);

    public List<OllamaToolCall> ToolCalls { get; } = [];
    public bool Done { get; private set; }

    /// <summary>Ollama's <c>done_reason</c> was <c>length</c>: the output hit num_predict or the context.</summary>
    public bool StoppedForLength { get; private set; }

    public int? PromptEvalCount { get; private set; }
    public int? EvalCount { get; private set; }

    /// <summary>Ollama's <c>error</c>, when the object is a failure rather than output.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads one object, replacing what the previous one left. Throws <see cref="JsonException"/> on malformed JSON.</summary>
    public void Read(ReadOnlySpan<byte> json)
    {
        _contentLength = _thinkingLength = 0;
        ToolCalls.Clear();
        Done = StoppedForLength = false;
        PromptEvalCount = EvalCount = null;
        Error = null;

        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("expected a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                    ReadMessage(ref reader, json);
                else
                    reader.Skip();
            }
            else if (reader.ValueTextEquals("response"u8))
                Append(ref reader, ref _content, ref _contentLength);
            else if (reader.ValueTextEquals("thinking"u8))
                Append(ref reader, ref _thinking, ref _thinkingLength);
            else if (reader.ValueTextEquals("done"u8))
            {
                reader.Read();
                Done = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("done_reason"u8))
            {
                reader.Read();
                StoppedForLength = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("length"u8);
            }
            else if (reader.ValueTextEquals("prompt_eval_count"u8))
                PromptEvalCount = Int(ref reader);
            else if (reader.ValueTextEquals("eval_count"u8))
                EvalCount = Int(ref reader);
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.String)
                    Error = reader.GetString();
                else
                {
                    reader.Skip();
                    Error = Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    void ReadMessage(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
                Append(ref reader, ref _content, ref _contentLength);
            else if (reader.ValueTextEquals("thinking"u8))
                Append(ref reader, ref _thinking, ref _thinkingLength);
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    ReadToolCall(ref reader, json);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    void ReadToolCall(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        string? id = null, name = null, arguments = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("function"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("name"u8))
                    {
                        reader.Read();
                        name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("arguments"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                            arguments = reader.GetString();
                        else
                        {
                            var start = (int)reader.TokenStartIndex;
                            reader.Skip();
                            arguments = Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        ToolCalls.Add(new OllamaToolCall(id, name ?? "", arguments ?? "{}"));
    }

    static int? Int(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : null;
    }

    /// <summary>The reader stands on a property name; appends its string value (unescaped) to the buffer.</summary>
    static void Append(ref Utf8JsonReader reader, ref byte[] buffer, ref int length)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return;
        }
        var most = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length + most > buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + most));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        length += reader.CopyString(buffer.AsSpan(length));
    }

    public void Dispose()
    {
        if (_content.Length == 0)
            return;
        ArrayPool<byte>.Shared.Return(_content);
        ArrayPool<byte>.Shared.Return(_thinking);
        _content = _thinking = [];
        _contentLength = _thinkingLength = 0;
    }
}
