using System.Text.Json;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>Reading Anthropic content blocks, shared by the provider's replies and the /v1/messages translation.</summary>
public static class AnthropicBlocks
{
    /// <summary>A string property of a block, or null when the block is not an object or the value not a string.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary><c>tool_use</c> blocks as OpenAI's <c>tool_calls</c> (arguments as a JSON string); nothing when there are none.</summary>
    public static void WriteToolCalls(Utf8JsonWriter json, IReadOnlyList<JsonElement> toolUses)
    {
        if (toolUses.Count == 0)
            return;
        json.WriteStartArray("tool_calls");
        foreach (var call in toolUses)
        {
            json.WriteStartObject();
            json.WriteString("id", Text(call, "id"));
            json.WriteString("type", "function");
            json.WriteStartObject("function");
            json.WriteString("name", Text(call, "name"));
            json.WriteString("arguments", call.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
