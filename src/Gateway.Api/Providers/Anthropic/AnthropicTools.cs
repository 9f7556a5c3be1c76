using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>
/// OpenAI <c>tools</c>, <c>tool_choice</c>, <c>parallel_tool_calls</c> and <c>response_format</c> as Anthropic's
/// <c>tools</c> and <c>tool_choice</c> (LITELLM.md §3). JSON mode rides on a forced tool, as LiteLLM does it: the
/// schema becomes the input schema of a tool named <see cref="AnthropicRequest.JsonToolName"/>, and the answer is that
/// tool's input, which the response translation turns back into message content. The forced tool works on every
/// Claude model, unlike Anthropic's newer structured-output parameter, which needs a beta header and recent models.
/// </summary>
public static class AnthropicTools
{
    /// <summary>Writes <c>tools</c> and <c>tool_choice</c>; returns whether JSON mode was asked for.</summary>
    public static bool Write(Utf8JsonWriter json, JsonElement tools, JsonElement toolChoice, bool? parallelToolCalls,
        JsonElement responseFormat, bool thinkingEnabled, out ApiError? error)
    {
        error = null;
        if (!JsonSchema(responseFormat, out var jsonMode, out var schema, out error))
            return false;

        var hasTools = tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        if (tools.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            error = ApiError.InvalidField("tools", "expected an array of {type: \"function\", function: {name, description, parameters}}");
            return false;
        }
        if (!hasTools && !jsonMode)
            return false; // Anthropic refuses a tool_choice without tools; with none there is nothing to choose

        json.WriteStartArray("tools");
        if (hasTools)
        {
            var i = 0;
            foreach (var tool in tools.EnumerateArray())
                if (!Tool(json, tool, i++, out error))
                    return false;
        }
        if (jsonMode)
        {
            json.WriteStartObject();
            json.WriteString("name", AnthropicRequest.JsonToolName);
            json.WriteString("description", "Respond with a JSON object that matches the schema.");
            json.WritePropertyName("input_schema");
            if (schema.ValueKind == JsonValueKind.Object)
                schema.WriteTo(json);
            else
                WriteAnyObjectSchema(json);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        // With extended thinking Anthropic allows only auto and none, so JSON mode cannot force its tool then.
        if (jsonMode && !hasTools && !thinkingEnabled)
        {
            json.WriteStartObject("tool_choice");
            json.WriteString("type", "tool");
            json.WriteString("name", AnthropicRequest.JsonToolName);
            json.WriteEndObject();
            return true;
        }

        return ToolChoice(json, toolChoice, parallelToolCalls, out error) ? jsonMode : false;
    }

    /// <summary><c>{type: function, function: {name, description, parameters}}</c> → <c>{name, description, input_schema}</c>.</summary>
    static bool Tool(Utf8JsonWriter json, JsonElement tool, int index, out ApiError? error)
    {
        error = null;
        if (tool.ValueKind != JsonValueKind.Object)
        {
            error = ApiError.InvalidField($"tools[{index}]", "expected an object");
            return false;
        }
        var type = tool.TryGetProperty("type", out var t) ? t.GetString() : "function";
        if (type != "function")
        {
            // Anthropic's own tools (web_search_…, bash_…, text_editor_…) are already in its shape.
            tool.WriteTo(json);
            return true;
        }

        var function = tool.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        var name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString() : null;
        if (string.IsNullOrEmpty(name))
        {
            error = ApiError.InvalidField($"tools[{index}].function.name", "expected the function's name");
            return false;
        }

        json.WriteStartObject();
        json.WriteString("name", name);
        if (function.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
            json.WriteString("description", description.GetString());
        json.WritePropertyName("input_schema");
        if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
            parameters.WriteTo(json);
        else
            WriteEmptyObjectSchema(json);
        if (tool.TryGetProperty("cache_control", out var cache) && cache.ValueKind == JsonValueKind.Object)
        {
            json.WritePropertyName("cache_control");
            cache.WriteTo(json);
        }
        json.WriteEndObject();
        return true;
    }

    /// <summary>auto → auto, none → none, required → any, a named function → tool; parallel_tool_calls: false → disable_parallel_tool_use.</summary>
    static bool ToolChoice(Utf8JsonWriter json, JsonElement choice, bool? parallelToolCalls, out ApiError? error)
    {
        error = null;
        string? type = null, name = null;
        switch (choice.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                if (parallelToolCalls != false)
                    return true;
                type = "auto";
                break;
            case JsonValueKind.String:
                type = choice.GetString() switch
                {
                    "auto" => "auto",
                    "none" => "none",
                    "required" or "any" => "any",
                    _ => null,
                };
                break;
            case JsonValueKind.Object:
                var kind = choice.TryGetProperty("type", out var k) ? k.GetString() : null;
                if (kind == "function" && choice.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
                    && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                {
                    type = "tool";
                    name = n.GetString();
                }
                else if (kind is "auto" or "any" or "none")
                {
                    type = kind; // already Anthropic's shape
                }
                else if (kind == "tool" && choice.TryGetProperty("name", out var toolName) && toolName.ValueKind == JsonValueKind.String)
                {
                    type = "tool";
                    name = toolName.GetString();
                }
                break;
        }
        if (type is null)
        {
            error = ApiError.InvalidField("tool_choice", "expected \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}");
            return false;
        }

        json.WriteStartObject("tool_choice");
        json.WriteString("type", type);
        if (name is not null)
            json.WriteString("name", name);
        if (parallelToolCalls == false && type != "none")
            json.WriteBoolean("disable_parallel_tool_use", true);
        json.WriteEndObject();
        return true;
    }

    /// <summary><c>json_object</c> asks for any JSON object; <c>json_schema</c> for one matching its schema; <c>text</c> for nothing.</summary>
    static bool JsonSchema(JsonElement responseFormat, out bool jsonMode, out JsonElement schema, out ApiError? error)
    {
        jsonMode = false;
        schema = default;
        error = null;
        if (responseFormat.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return true;
        var type = responseFormat.ValueKind == JsonValueKind.Object && responseFormat.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "text":
                return true;
            case "json_object":
                jsonMode = true;
                return true;
            case "json_schema":
                jsonMode = true;
                if (responseFormat.TryGetProperty("json_schema", out var wrapper) && wrapper.ValueKind == JsonValueKind.Object
                    && wrapper.TryGetProperty("schema", out var inner) && inner.ValueKind == JsonValueKind.Object)
                {
                    schema = inner;
                    return true;
                }
                error = ApiError.InvalidField("response_format.json_schema.schema", "expected a JSON Schema object");
                return false;
            default:
                error = ApiError.InvalidField("response_format.type", "expected \"text\", \"json_object\" or \"json_schema\"");
                return false;
        }
    }

    static void WriteEmptyObjectSchema(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type", "object");
        json.WriteStartObject("properties");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static void WriteAnyObjectSchema(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type", "object");
        json.WriteBoolean("additionalProperties", true);
        json.WriteEndObject();
    }
}
