using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Providers.Tokens;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// OpenAI embeddings through Gemini's <c>:batchEmbedContents</c>, as LiteLLM sends them: one request per input text
/// (<c>{model: "models/…", content: {parts: [{text}]}}</c>), <c>dimensions</c> as <c>outputDimensionality</c> and
/// Gemini's <c>task_type</c> / <c>title</c> passed along. The answer's <c>embeddings[].values</c> become OpenAI's
/// <c>data</c> list (floats, or base64 of little-endian float32 when the client asks <c>encoding_format: base64</c>).
/// Gemini reports no token count here, so usage is the input counted with the tokenizer, as LiteLLM counts it.
/// </summary>
internal static class GeminiEmbeddings
{
    public static byte[] Write(ProxyRequest request, Deployment deployment, out ApiError? error)
    {
        error = null;
        using var document = JsonDocument.Parse(request.Body.Memory);
        var root = document.RootElement;
        if (!root.TryGetProperty("input", out var input) || !EmbeddingRequests.IsText(input))
        {
            error = ApiError.InvalidField("input", "Gemini embeds text: send a string or an array of strings (not token ids).");
            return [];
        }

        var model = ModelName(deployment.UpstreamModel);
        var output = new ArrayBufferWriter<byte>(request.Body.Length + 128);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteStartArray("requests");
            if (input.ValueKind == JsonValueKind.String)
                WriteRequest(json, model, input, root);
            else
                foreach (var text in input.EnumerateArray())
                    WriteRequest(json, model, text, root);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary><c>models/{model}</c>, the resource name each request names (and the URL path holds).</summary>
    public static string ModelName(string model) => model.StartsWith("models/", StringComparison.Ordinal) ? model : "models/" + model;

    static void WriteRequest(Utf8JsonWriter json, string model, JsonElement text, JsonElement root)
    {
        json.WriteStartObject();
        json.WriteString("model", model);
        json.WriteStartObject("content");
        json.WriteStartArray("parts");
        json.WriteStartObject();
        json.WriteString("text", text.GetString());
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        if (root.TryGetProperty("dimensions", out var dimensions) && dimensions.ValueKind == JsonValueKind.Number)
        {
            json.WritePropertyName("outputDimensionality");
            dimensions.WriteTo(json);
        }
        foreach (var (name, gemini) in (ReadOnlySpan<(string, string)>)[("task_type", "taskType"), ("taskType", "taskType"), ("title", "title")])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                json.WriteString(gemini, value.GetString());
        }
        json.WriteEndObject();
    }

    /// <summary>Gemini's answer as OpenAI's embedding list; null when it is not the documented shape.</summary>
    public static byte[]? Read(ReadOnlySpan<byte> gemini, ProxyRequest request, Deployment deployment)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(gemini);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("embeddings", out var embeddings) || embeddings.ValueKind != JsonValueKind.Array)
                return null;

            var base64 = EmbeddingRequests.WantsBase64(request.Body.Span);
            var output = new ArrayBufferWriter<byte>(gemini.Length + 256);
            Span<byte> single = stackalloc byte[4];
            using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                json.WriteString("object", "list");
                json.WriteStartArray("data");
                var index = 0;
                foreach (var embedding in embeddings.EnumerateArray())
                {
                    if (embedding.ValueKind != JsonValueKind.Object || !embedding.TryGetProperty("values", out var values)
                        || values.ValueKind != JsonValueKind.Array)
                        return null;
                    json.WriteStartObject();
                    json.WriteString("object", "embedding");
                    json.WriteNumber("index", index++);
                    if (base64)
                    {
                        var bytes = new byte[values.GetArrayLength() * 4];
                        var at = 0;
                        foreach (var value in values.EnumerateArray())
                        {
                            BinaryPrimitives.WriteSingleLittleEndian(single, value.GetSingle());
                            single.CopyTo(bytes.AsSpan(at));
                            at += 4;
                        }
                        json.WriteBase64String("embedding", bytes);
                    }
                    else
                    {
                        json.WritePropertyName("embedding");
                        values.WriteTo(json);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                EmbeddingRequests.WriteModelAndUsage(json, deployment.UpstreamModel, TokenCounter.Shared.CountPrompt(request, deployment.UpstreamModel));
                json.WriteEndObject();
            }
            return output.WrittenSpan.ToArray();
        }
    }
}
