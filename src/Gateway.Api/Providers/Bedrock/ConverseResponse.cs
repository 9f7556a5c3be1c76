using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// Translates a Converse response (<c>output.message.content</c>, <c>stopReason</c>, <c>usage</c>) into an OpenAI
/// <c>chat.completion</c>: text blocks joined into <c>content</c>, reasoning into <c>reasoning_content</c>, <c>toolUse</c>
/// blocks into <c>tool_calls</c> (arguments as a JSON string), and a JSON-mode tool call back into plain content.
/// </summary>
internal static class ConverseResponse
{
    /// <summary>The OpenAI body, or null when the upstream's JSON does not have Converse's shape.</summary>
    public static byte[]? ToChatCompletion(ReadOnlySpan<byte> converse, string id, long created, string model, bool jsonMode)
    {
        try
        {
            using var document = JsonDocument.Parse(converse.ToArray());
            return Translate(document.RootElement, id, created, model, jsonMode);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    static byte[] Translate(JsonElement root, string id, long created, string model, bool jsonMode)
    {
        var blocks = root.GetProperty("output").GetProperty("message").GetProperty("content");
        var stopReason = root.TryGetProperty("stopReason", out var reason) ? reason.GetString() : null;
        var usage = ConverseUsage.Read(root.TryGetProperty("usage", out var u) ? u : default);

        StringBuilder? text = null, reasoning = null;
        List<JsonElement>? toolUses = null;
        var answeredAsJson = false;
        foreach (var block in blocks.EnumerateArray())
        {
            if (block.TryGetProperty("text", out var t))
            {
                (text ??= new StringBuilder()).Append(t.GetString());
            }
            else if (block.TryGetProperty("reasoningContent", out var r) && r.TryGetProperty("reasoningText", out var rt)
                     && rt.TryGetProperty("text", out var rtext))
            {
                (reasoning ??= new StringBuilder()).Append(rtext.GetString());
            }
            else if (block.TryGetProperty("toolUse", out var toolUse))
            {
                if (jsonMode && toolUse.GetProperty("name").GetString() == ConverseRequest.JsonToolName)
                {
                    // The forced JSON-mode tool: its input is the answer the client asked for.
                    text = new StringBuilder(toolUse.GetProperty("input").GetRawText());
                    answeredAsJson = true;
                }
                else
                {
                    (toolUses ??= []).Add(toolUse);
                }
            }
        }

        var finishReason = answeredAsJson && toolUses is null ? "stop" : ConverseStopReason.ToFinishReason(stopReason);
        var output = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", created);
            writer.WriteString("model", model);
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            if (text is null)
                writer.WriteNull("content");
            else
                writer.WriteString("content", text.ToString());
            if (reasoning is not null)
                writer.WriteString("reasoning_content", reasoning.ToString());
            if (toolUses is not null)
            {
                writer.WriteStartArray("tool_calls");
                foreach (var toolUse in toolUses)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", toolUse.GetProperty("toolUseId").GetString());
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", toolUse.GetProperty("name").GetString());
                    writer.WriteString("arguments", toolUse.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteString("finish_reason", finishReason);
            writer.WriteEndObject();
            writer.WriteEndArray();
            usage.Write(writer);
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }
}
