using System.Text.Json;

namespace Gateway.Api.Providers;

/// <summary>What translating providers read alike from an OpenAI embeddings request, and write alike in the answer.</summary>
public static class EmbeddingRequests
{
    /// <summary>An <c>input</c> of text: a string, or a non-empty array of strings (token arrays are not text).</summary>
    public static bool IsText(JsonElement input) => input.ValueKind switch
    {
        JsonValueKind.String => true,
        JsonValueKind.Array => input.GetArrayLength() > 0 && input.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String),
        _ => false,
    };

    /// <summary>Whether the client asked for <c>encoding_format: base64</c> (little-endian float32), as the openai SDKs do.</summary>
    public static bool WantsBase64(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFormat = reader.ValueTextEquals("encoding_format"u8);
            reader.Read();
            if (isFormat)
                return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("base64"u8);
            reader.Skip();
        }
        return false;
    }

    /// <summary>The end of an OpenAI embedding list: the model and the usage (embeddings have only prompt tokens).</summary>
    public static void WriteModelAndUsage(Utf8JsonWriter json, string model, int promptTokens)
    {
        json.WriteString("model", model);
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", promptTokens);
        json.WriteNumber("total_tokens", promptTokens);
        json.WriteEndObject();
    }
}
