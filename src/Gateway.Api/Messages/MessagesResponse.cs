using System.Buffers;
using System.Text.Json;
using static Gateway.Api.Providers.Anthropic.AnthropicBlocks;

namespace Gateway.Api.Messages;

/// <summary>
/// An OpenAI <c>chat.completion</c> as an Anthropic message: reasoning as a thinking block, content as a text block,
/// tool calls as <c>tool_use</c> blocks with their arguments parsed back to an object, the finish reason as a stop
/// reason, and usage split the way Anthropic counts it (<c>input_tokens</c> without the cache reads and writes, which
/// get their own fields), so an Anthropic client sees cache hits wherever the provider reported them.
/// </summary>
public static class MessagesResponse
{
    public static byte[]? FromOpenAI(ReadOnlySpan<byte> completion)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(completion.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                return null;
            var choice = choices.GetArrayLength() > 0 ? choices[0] : default;
            var message = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("message", out var m) ? m : default;

            var output = new ArrayBufferWriter<byte>(completion.Length + 256);
            using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                json.WriteString("id", Text(root, "id") ?? "msg_gateway");
                json.WriteString("type", "message");
                json.WriteString("role", "assistant");
                json.WriteString("model", Text(root, "model") ?? "");
                json.WriteStartArray("content");
                if (message.ValueKind == JsonValueKind.Object)
                    Content(json, message);
                json.WriteEndArray();
                json.WriteString("stop_reason", StopReason(choice.ValueKind == JsonValueKind.Object ? Text(choice, "finish_reason") : null));
                json.WriteNull("stop_sequence");
                MessagesUsage.From(root.TryGetProperty("usage", out var usage) ? usage : default).Write(json);
                json.WriteEndObject();
            }
            return output.WrittenSpan.ToArray();
        }
    }

    static void Content(Utf8JsonWriter json, JsonElement message)
    {
        var reasoning = Text(message, "reasoning_content") ?? Text(message, "reasoning");
        if (!string.IsNullOrEmpty(reasoning))
        {
            json.WriteStartObject();
            json.WriteString("type", "thinking");
            json.WriteString("thinking", reasoning);
            json.WriteString("signature", Signature(message));
            json.WriteEndObject();
        }

        if (Text(message, "content") is { Length: > 0 } text)
        {
            json.WriteStartObject();
            json.WriteString("type", "text");
            json.WriteString("text", text);
            json.WriteEndObject();
        }

        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
            return;
        foreach (var call in calls.EnumerateArray())
        {
            var function = call.TryGetProperty("function", out var f) ? f : default;
            json.WriteStartObject();
            json.WriteString("type", "tool_use");
            json.WriteString("id", Text(call, "id") ?? "");
            json.WriteString("name", function.ValueKind == JsonValueKind.Object ? Text(function, "name") ?? "" : "");
            json.WritePropertyName("input");
            WriteInput(json, function.ValueKind == JsonValueKind.Object ? Text(function, "arguments") : null);
            json.WriteEndObject();
        }
    }

    /// <summary>Tool arguments arrive as a JSON string; Anthropic carries them as an object (empty when unreadable).</summary>
    public static void WriteInput(Utf8JsonWriter json, string? arguments)
    {
        if (!string.IsNullOrWhiteSpace(arguments))
        {
            try
            {
                using var parsed = JsonDocument.Parse(arguments);
                if (parsed.RootElement.ValueKind == JsonValueKind.Object)
                {
                    parsed.RootElement.WriteTo(json);
                    return;
                }
            }
            catch (JsonException)
            {
                // A model that produced broken JSON: the client gets an empty input rather than a malformed message.
            }
        }
        json.WriteStartObject();
        json.WriteEndObject();
    }

    /// <summary>LiteLLM's <c>thinking_blocks</c> keep Anthropic's signature when the reply came from Claude elsewhere.</summary>
    static string Signature(JsonElement message)
    {
        if (message.TryGetProperty("thinking_blocks", out var blocks) && blocks.ValueKind == JsonValueKind.Array)
            foreach (var block in blocks.EnumerateArray())
                if (Text(block, "signature") is { } signature)
                    return signature;
        return "";
    }

    /// <summary>OpenAI finish reasons as Anthropic stop reasons (the inverse of LITELLM.md §3).</summary>
    public static string StopReason(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };
}
