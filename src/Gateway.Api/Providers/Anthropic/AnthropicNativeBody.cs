using System.Buffers;
using System.Text.Json;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>
/// An Anthropic Messages request from a client of <c>/v1/messages</c>, made ready for an Anthropic deployment with as
/// little change as possible: the deployment's model name, the gateway's own steering fields removed, and <c>metadata</c>
/// cut to the <c>user_id</c> Anthropic accepts. Everything else (cache_control, thinking, betas' fields) is copied as bytes.
/// </summary>
public static class AnthropicNativeBody
{
    static readonly HashSet<string> GatewayOnlyFields =
    [
        "litellm_metadata", "fallbacks", "context_window_fallback_dict", "num_retries", "tags", "mock_response",
        "mock_testing_fallbacks", "caching", "cache", "guardrails", "proxy_server_request",
    ];

    public static byte[] Rewrite(ReadOnlySpan<byte> body, string upstreamModel)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 64);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            var reader = new Utf8JsonReader(body);
            reader.Read(); // the validated top-level object
            writer.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var value = body[start..(int)reader.BytesConsumed];

                if (GatewayOnlyFields.Contains(name))
                    continue;
                if (name == "model")
                {
                    writer.WriteString("model", upstreamModel);
                }
                else if (name == "metadata")
                {
                    WriteUserIdOnly(writer, value);
                }
                else
                {
                    writer.WritePropertyName(name);
                    writer.WriteRawValue(value, skipInputValidation: true);
                }
            }
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>LiteLLM clients put tags and the like in <c>metadata</c>; Anthropic refuses any key but <c>user_id</c>.</summary>
    static void WriteUserIdOnly(Utf8JsonWriter writer, ReadOnlySpan<byte> metadata)
    {
        var reader = new Utf8JsonReader(metadata);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUserId = reader.ValueTextEquals("user_id"u8);
            reader.Read();
            if (isUserId && reader.TokenType is JsonTokenType.String or JsonTokenType.Null)
            {
                writer.WriteStartObject("metadata");
                if (reader.TokenType == JsonTokenType.String)
                    writer.WriteString("user_id", reader.GetString());
                else
                    writer.WriteNull("user_id");
                writer.WriteEndObject();
                return;
            }
            reader.Skip();
        }
    }
}
