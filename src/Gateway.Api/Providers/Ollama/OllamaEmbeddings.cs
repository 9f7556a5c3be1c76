using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Ollama;

/// <summary>
/// OpenAI embeddings through Ollama's <c>POST /api/embed</c>: <c>input</c> (a string or strings; Ollama takes no token
/// ids) and <c>dimensions</c> go as they are; the answer's <c>embeddings</c> become OpenAI's <c>data</c> list, as floats
/// or, when the client asks <c>encoding_format: base64</c> (the openai SDKs do by default), as base64 of little-endian
/// float32; <c>prompt_eval_count</c> is the usage.
/// </summary>
public static class OllamaEmbeddings
{
    public static byte[] Write(ProxyRequest request, Deployment deployment, out ApiError? error)
    {
        error = null;
        using var document = JsonDocument.Parse(request.Body.Memory);
        var root = document.RootElement;
        if (!root.TryGetProperty("input", out var input) || !EmbeddingRequests.IsText(input))
        {
            error = ApiError.InvalidField("input", "Ollama embeds text: send a string or an array of strings (not token ids).");
            return [];
        }

        var output = new ArrayBufferWriter<byte>(request.Body.Length + 64);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("model", deployment.UpstreamModel);
            writer.WritePropertyName("input");
            input.WriteTo(writer);
            if (root.TryGetProperty("dimensions", out var dimensions) && dimensions.ValueKind == JsonValueKind.Number)
            {
                writer.WritePropertyName("dimensions");
                dimensions.WriteTo(writer);
            }
            if (root.TryGetProperty("keep_alive", out var keepAlive) && keepAlive.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                writer.WritePropertyName("keep_alive");
                keepAlive.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Ollama's answer as OpenAI's embedding list; null when it is not the shape Ollama documents.</summary>
    public static byte[]? Read(ReadOnlySpan<byte> json, ProxyRequest request, Deployment deployment)
    {
        var base64 = EmbeddingRequests.WantsBase64(request.Body.Span);
        var output = new ArrayBufferWriter<byte>(json.Length + 128);
        var reader = new Utf8JsonReader(json);
        int? promptTokens = null;
        var wroteData = false;
        Span<byte> single = stackalloc byte[4];
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("embeddings"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                        return null;
                    writer.WriteStartArray("data");
                    var index = 0;
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("object", "embedding");
                        writer.WriteNumber("index", index++);
                        var vector = new ArrayBufferWriter<byte>(base64 ? 4096 : 1);
                        if (!base64)
                            writer.WriteStartArray("embedding");
                        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                        {
                            if (base64)
                            {
                                BinaryPrimitives.WriteSingleLittleEndian(single, reader.GetSingle());
                                vector.Write(single);
                            }
                            else
                            {
                                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); // the number as Ollama wrote it
                            }
                        }
                        if (base64)
                            writer.WriteBase64String("embedding", vector.WrittenSpan);
                        else
                            writer.WriteEndArray();
                        writer.WriteEndObject();
                    }
                    writer.WriteEndArray();
                    wroteData = true;
                }
                else if (reader.ValueTextEquals("prompt_eval_count"u8))
                {
                    reader.Read();
                    promptTokens = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var count) ? count : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (!wroteData)
                return null;
            EmbeddingRequests.WriteModelAndUsage(writer, deployment.UpstreamModel,
                promptTokens ?? Tokens.TokenCounter.Shared.CountPrompt(request, deployment.UpstreamModel));
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }
}
