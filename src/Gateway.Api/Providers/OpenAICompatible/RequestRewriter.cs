using System.Buffers;
using System.Text.Json;

namespace Gateway.Api.Providers.OpenAICompatible;

/// <summary>
/// Copies an OpenAI request body for an OpenAI-compatible upstream, changing only what must change: the model
/// name, a request for usage on streams (so every streamed call can be charged), and the gateway's own fields,
/// which no upstream understands. Every other value is copied as raw bytes, never re-serialised.
/// </summary>
public static class RequestRewriter
{
    /// <summary>LiteLLM proxy fields that steer the gateway and must not reach the upstream.</summary>
    static readonly HashSet<string> GatewayOnlyFields =
    [
        "metadata", "litellm_metadata", "fallbacks", "context_window_fallback_dict", "num_retries", "tags",
        "mock_response", "mock_testing_fallbacks", "caching", "cache", "guardrails", "proxy_server_request",
    ];

    /// <param name="askForUsage">
    /// False for upstreams that reject <c>stream_options</c> (Azure before api-version 2024-09-01): the field is then
    /// left out, and the gateway counts the stream's tokens itself.
    /// </param>
    public static byte[] Rewrite(ReadOnlySpan<byte> body, string upstreamModel, bool stream, bool askForUsage = true)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 64);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            var reader = new Utf8JsonReader(body);
            reader.Read(); // the validated top-level object
            writer.WriteStartObject();
            var wroteStreamOptions = false;

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
                else if (name == "stream_options" && stream && askForUsage)
                {
                    WriteStreamOptionsWithUsage(writer, value);
                    wroteStreamOptions = true;
                }
                else if (name == "stream_options")
                {
                    // Only valid with stream: true (and where the upstream knows it); an upstream would reject it otherwise.
                }
                else
                {
                    writer.WritePropertyName(name);
                    writer.WriteRawValue(value, skipInputValidation: true);
                }
            }

            if (stream && askForUsage && !wroteStreamOptions)
            {
                writer.WriteStartObject("stream_options");
                writer.WriteBoolean("include_usage", true);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    static void WriteStreamOptionsWithUsage(Utf8JsonWriter writer, ReadOnlySpan<byte> value)
    {
        writer.WriteStartObject("stream_options");
        var reader = new Utf8JsonReader(value);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (name == "include_usage")
                    continue;
                writer.WritePropertyName(name);
                writer.WriteRawValue(value[start..(int)reader.BytesConsumed], skipInputValidation: true);
            }
        }
        writer.WriteBoolean("include_usage", true);
        writer.WriteEndObject();
    }
}
