using System.Buffers;
using System.Text;
using System.Text.Json;
using static Gateway.Api.Providers.Anthropic.AnthropicBlocks;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>
/// An Anthropic message as an OpenAI <c>chat.completion</c>: text blocks joined into <c>content</c>, <c>tool_use</c>
/// blocks as <c>tool_calls</c> with their input as a JSON string, thinking as LiteLLM's <c>reasoning_content</c> and
/// <c>thinking_blocks</c> (signatures kept, so a client can send them back), the stop reason as a finish reason and
/// the usage with cache reads as cached tokens. In JSON mode the forced tool's input is the content.
/// </summary>
public static class AnthropicResponse
{
    /// <summary>The OpenAI body, or null when the upstream's body is not an Anthropic message.</summary>
    public static byte[]? ToOpenAI(ReadOnlySpan<byte> body, bool jsonMode, long created, string fallbackModel)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
                return null;

            var text = new StringBuilder();
            var thinking = new StringBuilder();
            var thinkingBlocks = new List<JsonElement>();
            var toolCalls = new List<JsonElement>();
            string? jsonAnswer = null;
            foreach (var block in content.EnumerateArray())
            {
                switch (Text(block, "type"))
                {
                    case "text":
                        text.Append(Text(block, "text"));
                        break;
                    case "thinking":
                        thinking.Append(Text(block, "thinking"));
                        thinkingBlocks.Add(block);
                        break;
                    case "redacted_thinking":
                        thinkingBlocks.Add(block);
                        break;
                    case "tool_use" when jsonMode && Text(block, "name") == AnthropicRequest.JsonToolName:
                        jsonAnswer = block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}";
                        break;
                    case "tool_use":
                        toolCalls.Add(block);
                        break;
                }
            }
            if (jsonAnswer is not null)
                text.Append(jsonAnswer);

            var usage = root.TryGetProperty("usage", out var u) ? AnthropicUsage.From(u) : default;
            var reasoningTokens = AnthropicUsage.EstimateTokens(Encoding.UTF8.GetByteCount(thinking.ToString()));
            var finish = AnthropicStopReasons.ToFinishReason(Text(root, "stop_reason"), jsonAnswer is not null && toolCalls.Count == 0);

            var output = new ArrayBufferWriter<byte>(body.Length + 256);
            using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                json.WriteString("id", Text(root, "id") ?? "msg_unknown");
                json.WriteString("object", "chat.completion");
                json.WriteNumber("created", created);
                json.WriteString("model", Text(root, "model") ?? fallbackModel);
                json.WriteStartArray("choices");
                json.WriteStartObject();
                json.WriteNumber("index", 0);
                json.WriteStartObject("message");
                json.WriteString("role", "assistant");
                if (text.Length > 0 || toolCalls.Count == 0)
                    json.WriteString("content", text.ToString());
                else
                    json.WriteNull("content");
                if (thinkingBlocks.Count > 0)
                {
                    json.WriteString("reasoning_content", thinking.ToString());
                    json.WriteStartArray("thinking_blocks");
                    foreach (var block in thinkingBlocks)
                        block.WriteTo(json);
                    json.WriteEndArray();
                }
                AnthropicBlocks.WriteToolCalls(json, toolCalls);
                json.WriteEndObject();
                json.WriteNull("logprobs");
                json.WriteString("finish_reason", finish);
                json.WriteEndObject();
                json.WriteEndArray();
                usage.WriteOpenAI(json, reasoningTokens);
                json.WriteEndObject();
            }
            return output.WrittenSpan.ToArray();
        }
    }
}

/// <summary>Anthropic's stop reasons as OpenAI's finish reasons (LITELLM.md §3).</summary>
public static class AnthropicStopReasons
{
    /// <param name="answeredByJsonTool">JSON mode's forced tool carried the answer: the call simply ended.</param>
    public static string ToFinishReason(string? stopReason, bool answeredByJsonTool) => stopReason switch
    {
        "tool_use" when answeredByJsonTool => "stop",
        "tool_use" => "tool_calls",
        "max_tokens" or "model_context_window_exceeded" => "length",
        "refusal" => "content_filter",
        _ => "stop", // end_turn, stop_sequence, pause_turn
    };
}
