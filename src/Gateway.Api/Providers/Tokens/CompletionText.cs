using System.Buffers;
using System.Text.Json;

namespace Gateway.Api.Providers.Tokens;

/// <summary>
/// The text a completion has produced, gathered from OpenAI chunks (or a whole response) as they pass: message and
/// delta <c>content</c>, <c>reasoning_content</c>, <c>refusal</c>, tool-call names and arguments, and text-completion
/// <c>text</c>; also the text, thinking and tool input of Anthropic's own stream events, which /v1/messages passes on
/// as they came from an Anthropic deployment. Kept as UTF-8 in a pooled buffer so its tokens can be counted when the
/// upstream reports no usage (or less than was sent) — also for a stream that broke or whose client left. The text is counted whole (as the model tokenised it); a very
/// long one is counted in slices cut at a space, to bound memory.
/// </summary>
public sealed class CompletionText(TokenCounter counter, string model) : IDisposable
{
    const int SliceBytes = 256 * 1024;

    byte[]? _buffer;
    int _length;
    int _countedTokens;

    /// <summary>Adds the text of one chunk (or response body). Anything that is not OpenAI-shaped JSON is ignored.</summary>
    public void Add(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isChoices = reader.ValueTextEquals("choices"u8);
                var isAnthropicBlock = reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("content_block"u8);
                reader.Read();
                if (isChoices && reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                        ReadChoice(ref reader);
                }
                else if (isAnthropicBlock && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadAnthropicBlock(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // A chunk the gateway cannot read still reaches the client; it just adds nothing to the count.
        }
    }

    /// <summary>The tokens of everything added so far.</summary>
    public int CountTokens() => _countedTokens + (_length == 0 ? 0 : counter.Count(_buffer.AsSpan(0, _length), model));

    void ReadChoice(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                    ReadMessage(ref reader);
                else
                    reader.Skip();
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                AppendString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    void ReadMessage(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("refusal"u8))
            {
                AppendString(ref reader);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("function"u8))
                            ReadFunction(ref reader);
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
            }
            else if (reader.ValueTextEquals("function_call"u8))
            {
                ReadFunction(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// The reader stands on the object of an Anthropic event's <c>delta</c> (<c>text_delta</c>, <c>thinking_delta</c>,
    /// <c>input_json_delta</c>) or <c>content_block</c> (its opening text, or a tool's name).
    /// </summary>
    void ReadAnthropicBlock(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("thinking"u8) || reader.ValueTextEquals("partial_json"u8)
                || reader.ValueTextEquals("name"u8))
            {
                AppendString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>The reader stands on a property whose value should be a function object: its name and arguments count.</summary>
    void ReadFunction(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8) || reader.ValueTextEquals("arguments"u8))
                AppendString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>The reader stands on a property name; appends its value when it is a string.</summary>
    void AppendString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return;
        }
        var needed = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (needed == 0)
            return;
        Reserve(needed);
        _length += reader.CopyString(_buffer.AsSpan(_length));
        if (_length > SliceBytes)
            CountSlice();
    }

    void Reserve(int more)
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(4096, more));
            return;
        }
        if (_length + more <= _buffer.Length)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    /// <summary>Counts the buffer up to its last space and keeps the rest, so no word is split between slices.</summary>
    void CountSlice()
    {
        var cut = _buffer.AsSpan(0, _length).LastIndexOf((byte)' ');
        if (cut <= 0)
            cut = _length;
        _countedTokens += counter.Count(_buffer.AsSpan(0, cut), model);
        _buffer.AsSpan(cut, _length - cut).CopyTo(_buffer);
        _length -= cut;
    }

    public void Dispose()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _length = 0;
    }
}
