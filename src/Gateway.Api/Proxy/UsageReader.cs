using System.Text.Json;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Proxy;

/// <summary>
/// Reads OpenAI's <c>usage</c> object from a response body or a stream chunk, including cached prompt tokens
/// (<c>prompt_tokens_details.cached_tokens</c>) and reasoning tokens (<c>completion_tokens_details.reasoning_tokens</c>).
/// </summary>
public static class UsageReader
{
    /// <summary>
    /// True when the JSON object has a non-null <c>usage</c>. <paramref name="noChoices"/> tells whether it is the
    /// usage-only final chunk of a stream (<c>"choices": []</c>), which is dropped for clients that did not ask for it.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out TokenUsage usage, out bool noChoices)
    {
        usage = default;
        noChoices = false;
        var found = false;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = ReadUsage(ref reader);
                        found = true;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        noChoices = reader.TokenType == JsonTokenType.EndArray;
                        if (!noChoices)
                            SkipToEndOfArray(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }
        return found;
    }

    static TokenUsage ReadUsage(ref Utf8JsonReader reader)
    {
        int prompt = 0, completion = 0, cached = 0, reasoning = 0, cacheCreation = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8)) prompt = ReadInt(ref reader);
            else if (reader.ValueTextEquals("completion_tokens"u8)) completion = ReadInt(ref reader);
            else if (reader.ValueTextEquals("prompt_tokens_details"u8)) ReadDetails(ref reader, "cached_tokens"u8, ref cached);
            else if (reader.ValueTextEquals("completion_tokens_details"u8)) ReadDetails(ref reader, "reasoning_tokens"u8, ref reasoning);
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8)) cacheCreation = ReadInt(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new TokenUsage(prompt, completion, cached, reasoning, cacheCreation);
    }

    static void ReadDetails(ref Utf8JsonReader reader, ReadOnlySpan<byte> field, ref int value)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(field))
            {
                value = ReadInt(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    static int ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) && value > 0 ? value : 0;
    }

    static void SkipToEndOfArray(ref Utf8JsonReader reader)
    {
        // The reader stands on the first element of a non-empty array.
        reader.Skip();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            reader.Skip();
    }
}
