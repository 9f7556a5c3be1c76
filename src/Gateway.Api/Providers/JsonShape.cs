using System.Text.Json;

namespace Gateway.Api.Providers;

/// <summary>
/// Checks of upstream stream items that the gateway passes on as they came, so that what it cannot read never reaches
/// a client's SDK as if it were a chunk. One forward pass of <see cref="Utf8JsonReader"/>: no allocation.
/// </summary>
public static class JsonShape
{
    /// <summary>True when <paramref name="data"/> is exactly one JSON object (whitespace around it allowed).</summary>
    public static bool IsObject(ReadOnlySpan<byte> data) => IsOpenAIChunk(data, out _);

    /// <summary>
    /// True when <paramref name="data"/> is exactly one JSON object; <paramref name="finished"/> tells whether one of its
    /// <c>choices</c> carries a <c>finish_reason</c> (the chunk that ends a choice of an OpenAI stream).
    /// </summary>
    public static bool IsOpenAIChunk(ReadOnlySpan<byte> data, out bool finished)
    {
        finished = false;
        var reader = new Utf8JsonReader(data);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isChoices = reader.ValueTextEquals("choices"u8);
                reader.Read();
                if (isChoices && reader.TokenType == JsonTokenType.StartArray)
                    finished |= AnyFinished(ref reader);
                else
                    reader.Skip();
            }
            // The object closed, and nothing follows it.
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static bool AnyFinished(ref Utf8JsonReader reader)
    {
        var finished = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFinish = reader.ValueTextEquals("finish_reason"u8);
                reader.Read();
                if (isFinish && reader.TokenType == JsonTokenType.String)
                    finished = true;
                else
                    reader.Skip();
            }
        }
        return finished;
    }
}
