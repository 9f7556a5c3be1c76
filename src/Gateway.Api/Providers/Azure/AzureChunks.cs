using System.Text.Json;

namespace Gateway.Api.Providers.Azure;

/// <summary>
/// Azure's streams carry content-filter annotations as chunks of their own: a first one with <c>"choices": []</c> and
/// only <c>prompt_filter_results</c>, and (with asynchronous filtering) chunks whose choices hold only
/// <c>content_filter_results</c>/<c>content_filter_offsets</c>, without <c>delta</c>. OpenAI never sends such chunks and
/// clients that read <c>choices[0].delta</c> break on them, so the gateway drops them as LiteLLM does. A chunk with usage,
/// a delta or a finish reason (e.g. <c>content_filter</c>) always passes.
/// </summary>
public static class AzureChunks
{
    public static bool IsFilterAnnotation(ReadOnlySpan<byte> chunk)
    {
        try
        {
            var reader = new Utf8JsonReader(chunk);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            var sawChoices = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Null)
                        return false;
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                        return false;
                    sawChoices = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        if (CarriesOutput(ref reader))
                            return false;
                    }
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    return false;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return sawChoices;
        }
        catch (JsonException)
        {
            return false; // not ours to judge: pass it on
        }
    }

    /// <summary>The reader stands on a choice object; true when it has a delta or a finish reason.</summary>
    static bool CarriesOutput(ref Utf8JsonReader reader)
    {
        var carries = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isDelta = reader.ValueTextEquals("delta"u8);
            var isFinish = reader.ValueTextEquals("finish_reason"u8);
            reader.Read();
            if (isDelta || (isFinish && reader.TokenType != JsonTokenType.Null))
                carries = true;
            reader.Skip();
        }
        return carries;
    }
}
