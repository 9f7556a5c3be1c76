using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// A <c>GenerateContentResponse</c> as an OpenAI <c>chat.completion</c>: one choice per candidate, text as
/// <c>content</c>, thoughts as <c>reasoning_content</c>, function calls as <c>tool_calls</c> with ids made here
/// (<see cref="ToolCallIds"/>) and the finish reason mapped (<see cref="GeminiFinishReason"/>). A candidate stopped by
/// a filter, or a prompt Gemini blocked (<c>promptFeedback.blockReason</c>), is a choice with no content and
/// <c>content_filter</c>, as LiteLLM answers it. Usage per <see cref="GeminiUsage"/>.
/// </summary>
internal static class GeminiResponse
{
    /// <summary>The OpenAI body, or null when the upstream's JSON is not a GenerateContentResponse.</summary>
    public static byte[]? ToChatCompletion(ReadOnlySpan<byte> gemini, string id, long created, string model)
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
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            var candidates = root.TryGetProperty("candidates", out var c) && c.ValueKind == JsonValueKind.Array ? c : default;
            var blocked = GeminiParts.BlockReason(root) is not null;
            if (candidates.ValueKind != JsonValueKind.Array && !blocked && !root.TryGetProperty("usageMetadata", out _))
                return null;

            var output = new ArrayBufferWriter<byte>(gemini.Length + 256);
            using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteString("object", "chat.completion");
                json.WriteNumber("created", created);
                json.WriteString("model", model);
                json.WriteStartArray("choices");
                if (blocked || candidates.ValueKind != JsonValueKind.Array || candidates.GetArrayLength() == 0)
                    WriteEmptyChoice(json, 0, blocked ? "content_filter" : "stop");
                else
                {
                    var position = 0;
                    foreach (var candidate in candidates.EnumerateArray())
                        WriteChoice(json, candidate, GeminiParts.Index(candidate, position++));
                }
                json.WriteEndArray();
                GeminiUsage.Read(root)?.Write(json); // none: the proxy counts the tokens itself
                json.WriteEndObject();
            }
            return output.WrittenSpan.ToArray();
        }
    }

    static void WriteChoice(Utf8JsonWriter json, JsonElement candidate, int index)
    {
        var reason = GeminiParts.FinishReason(candidate);
        if (GeminiFinishReason.IsFiltered(reason))
        {
            WriteEmptyChoice(json, index, "content_filter");
            return;
        }

        StringBuilder? text = null, thoughts = null;
        var calls = new List<FunctionCallPart>();
        GeminiParts.Read(candidate, ref text, ref thoughts, calls);

        json.WriteStartObject();
        json.WriteNumber("index", index);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        if (text is null)
            json.WriteNull("content");
        else
            json.WriteString("content", text.ToString());
        if (thoughts is not null)
            json.WriteString("reasoning_content", thoughts.ToString());
        if (calls.Count > 0)
        {
            json.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                json.WriteStartObject();
                json.WriteString("id", ToolCallIds.New(call.Signature));
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", call.Name);
                json.WriteString("arguments", call.Arguments);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteString("finish_reason", GeminiFinishReason.ToOpenAI(reason, calls.Count > 0));
        json.WriteEndObject();
    }

    static void WriteEmptyChoice(Utf8JsonWriter json, int index, string finishReason)
    {
        json.WriteStartObject();
        json.WriteNumber("index", index);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        json.WriteNull("content");
        json.WriteEndObject();
        json.WriteString("finish_reason", finishReason);
        json.WriteEndObject();
    }
}
