using System.Buffers;
using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// Translates an OpenAI chat request into a Bedrock Converse request body (LiteLLM's mapping, ../shared/reference/LITELLM.md §3):
/// system and developer messages become <c>system</c> blocks; consecutive turns of one role are merged, as Converse wants
/// user and assistant turns to alternate; tool results become user <c>toolResult</c> blocks; images must be inline
/// (<c>data:</c> URLs); <c>response_format</c> becomes a forced tool whose input is the JSON answer.
/// </summary>
internal static class ConverseRequest
{
    /// <summary>The forced tool that carries a JSON-mode answer, named as LiteLLM names it.</summary>
    public const string JsonToolName = "json_tool_call";

    /// <summary>The Converse body, and whether a JSON-mode tool call must be turned back into the message content.</summary>
    public readonly record struct Translation(byte[] Body, bool JsonMode);

    /// <summary>OpenAI parameters Converse has no place for: dropped under drop_params, else a 400 naming them.</summary>
    static readonly HashSet<string> Unsupported =
    [
        "frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs", "seed", "reasoning_effort",
        "audio", "modalities", "prediction", "web_search_options", "functions", "function_call",
    ];

    public static Translation? Write(ReadOnlySpan<byte> body, bool dropParams, out ApiError? error)
    {
        try
        {
            return WriteCore(body, dropParams, out error);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // A part without the member its type needs (an image_url without url, a message without role, …).
            error = ApiError.InvalidField("messages", $"a message or content part lacks a field bedrock needs ({ex.Message})");
            return null;
        }
    }

    static Translation? WriteCore(ReadOnlySpan<byte> body, bool dropParams, out ApiError? error)
    {
        error = null;
        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;

        JsonElement messages = default, tools = default, toolChoice = default, responseFormat = default;
        int? maxTokens = null;
        JsonElement temperature = default, topP = default, stop = default, topK = default, thinking = default;

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "messages": messages = value; break;
                case "max_tokens" or "max_completion_tokens" when value.ValueKind == JsonValueKind.Number: maxTokens = value.GetInt32(); break;
                case "temperature": temperature = value; break;
                case "top_p": topP = value; break;
                case "stop": stop = value; break;
                case "tools": tools = value; break;
                case "tool_choice": toolChoice = value; break;
                case "response_format": responseFormat = value; break;
                case "top_k": topK = value; break;
                case "thinking": thinking = value; break;
                case "n" when value.ValueKind == JsonValueKind.Number && value.GetInt32() > 1 && !dropParams:
                    error = UnsupportedParam("n", "Converse returns one choice per call");
                    return null;
                case var name when Unsupported.Contains(name) && value.ValueKind != JsonValueKind.Null && !dropParams:
                    error = UnsupportedParam(name, "Converse has no equivalent");
                    return null;
            }
        }

        var jsonSchema = JsonModeSchema(responseFormat, out error);
        if (error is not null)
            return null;

        var turns = Turns(messages, out var usedToolNames, out error);
        if (turns is null)
            return null;

        var output = new ArrayBufferWriter<byte>(body.Length + 256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();

            writer.WriteStartArray("messages");
            foreach (var turn in turns)
            {
                writer.WriteStartObject();
                writer.WriteString("role", turn.Role);
                writer.WriteStartArray("content");
                foreach (var message in turn.Messages)
                {
                    error = WriteBlocks(writer, message, turn.Role);
                    if (error is not null)
                        return null;
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();

            WriteSystem(writer, messages);
            WriteInferenceConfig(writer, maxTokens, temperature, topP, stop);
            error = WriteToolConfig(writer, tools, toolChoice, jsonSchema, usedToolNames);
            if (error is not null)
                return null;

            if (topK.ValueKind == JsonValueKind.Number || thinking.ValueKind == JsonValueKind.Object)
            {
                writer.WriteStartObject("additionalModelRequestFields");
                if (topK.ValueKind == JsonValueKind.Number)
                {
                    writer.WritePropertyName("top_k");
                    topK.WriteTo(writer);
                }
                if (thinking.ValueKind == JsonValueKind.Object)
                {
                    writer.WritePropertyName("thinking");
                    thinking.WriteTo(writer);
                }
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }
        return new Translation(output.WrittenSpan.ToArray(), jsonSchema.ValueKind != JsonValueKind.Undefined);
    }

    /// <summary>A turn of Converse: consecutive OpenAI messages that map to the same role.</summary>
    sealed record Turn(string Role, List<JsonElement> Messages);

    static List<Turn>? Turns(JsonElement messages, out HashSet<string> usedToolNames, out ApiError? error)
    {
        error = null;
        usedToolNames = new HashSet<string>(StringComparer.Ordinal);
        var turns = new List<Turn>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var role = message.GetProperty("role").GetString();
            string? converseRole = role switch
            {
                "system" or "developer" => null,
                "user" or "tool" or "function" => "user",
                "assistant" => "assistant",
                _ => "?",
            };
            if (converseRole == "?")
            {
                error = ApiError.InvalidField($"messages[{index}].role", $"'{role}' is not one of system, developer, user, assistant, tool");
                return null;
            }
            if (role == "assistant" && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                    if (call.TryGetProperty("function", out var function) && function.TryGetProperty("name", out var name) && name.GetString() is { } n)
                        usedToolNames.Add(n);
            }
            index++;
            if (converseRole is null)
                continue;
            if (turns.Count > 0 && turns[^1].Role == converseRole)
                turns[^1].Messages.Add(message);
            else
                turns.Add(new Turn(converseRole, [message]));
        }
        return turns;
    }

    static ApiError? WriteBlocks(Utf8JsonWriter writer, JsonElement message, string converseRole)
    {
        var role = message.GetProperty("role").GetString();
        if (role is "tool" or "function")
        {
            var id = message.TryGetProperty("tool_call_id", out var callId) && callId.ValueKind == JsonValueKind.String
                ? callId.GetString()
                : message.TryGetProperty("name", out var fname) ? fname.GetString() : null;
            if (string.IsNullOrEmpty(id))
                return ApiError.MissingField("tool_call_id", "the id of the assistant tool call this message answers");
            writer.WriteStartObject();
            writer.WriteStartObject("toolResult");
            writer.WriteString("toolUseId", id);
            writer.WriteStartArray("content");
            writer.WriteStartObject();
            writer.WriteString("text", JoinedText(message));
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            return null;
        }

        if (message.TryGetProperty("content", out var content))
        {
            var error = WriteContent(writer, content, converseRole);
            if (error is not null)
                return error;
        }

        if (role == "assistant" && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (!call.TryGetProperty("function", out var function))
                    continue;
                writer.WriteStartObject();
                writer.WriteStartObject("toolUse");
                writer.WriteString("toolUseId", call.TryGetProperty("id", out var id) ? id.GetString() : null);
                writer.WriteString("name", function.TryGetProperty("name", out var name) ? name.GetString() : null);
                writer.WritePropertyName("input");
                WriteArguments(writer, function.TryGetProperty("arguments", out var arguments) ? arguments : default);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
        }
        return null;
    }

    /// <summary>OpenAI sends arguments as a JSON string; Converse wants the JSON document itself.</summary>
    static void WriteArguments(Utf8JsonWriter writer, JsonElement arguments)
    {
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            arguments.WriteTo(writer);
            return;
        }
        if (arguments.ValueKind == JsonValueKind.String && arguments.GetString() is { Length: > 0 } text)
        {
            try
            {
                using var parsed = JsonDocument.Parse(text);
                parsed.RootElement.WriteTo(writer);
                return;
            }
            catch (JsonException)
            {
                // A model can emit broken arguments; replaying them as an empty object keeps the conversation usable.
            }
        }
        writer.WriteStartObject();
        writer.WriteEndObject();
    }

    static ApiError? WriteContent(Utf8JsonWriter writer, JsonElement content, string converseRole)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                WriteText(writer, content.GetString());
                return null;
            case JsonValueKind.Array:
                foreach (var part in content.EnumerateArray())
                {
                    var type = part.TryGetProperty("type", out var t) ? t.GetString() : null;
                    switch (type)
                    {
                        case "text":
                            WriteText(writer, part.TryGetProperty("text", out var text) ? text.GetString() : null);
                            break;
                        case "image_url" when converseRole == "user":
                            var url = part.GetProperty("image_url") is { ValueKind: JsonValueKind.Object } image
                                ? image.GetProperty("url").GetString()
                                : part.GetProperty("image_url").GetString();
                            var error = WriteImage(writer, url);
                            if (error is not null)
                                return error;
                            break;
                        default:
                            return ApiError.InvalidField("messages[].content", $"content part type '{type}' is not supported for bedrock {converseRole} messages");
                    }
                    if (part.TryGetProperty("cache_control", out var cache) && cache.ValueKind == JsonValueKind.Object)
                        WriteCachePoint(writer);
                }
                return null;
            default:
                return null; // null content: an assistant turn with only tool calls
        }
    }

    static void WriteText(Utf8JsonWriter writer, string? text)
    {
        // Converse rejects empty text blocks; an assistant turn with only tool calls often carries "".
        if (string.IsNullOrEmpty(text))
            return;
        writer.WriteStartObject();
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    static void WriteCachePoint(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("cachePoint");
        writer.WriteString("type", "default");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>data:image/png;base64,…</c> → <c>{"image":{"format":"png","source":{"bytes":"…"}}}</c> (JSON blobs are base64).</summary>
    static ApiError? WriteImage(Utf8JsonWriter writer, string? url)
    {
        const string prefix = "data:image/";
        var marker = url?.IndexOf(";base64,", StringComparison.Ordinal) ?? -1;
        if (url is null || !url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || marker < 0)
            return ApiError.InvalidField("messages[].content[].image_url.url",
                "bedrock takes images inline only: send a base64 data: URL (data:image/png;base64,…), not a link");

        var format = url[prefix.Length..marker].ToLowerInvariant() switch
        {
            "png" => "png",
            "jpeg" or "jpg" => "jpeg",
            "gif" => "gif",
            "webp" => "webp",
            var other => other,
        };
        if (format is not ("png" or "jpeg" or "gif" or "webp"))
            return ApiError.InvalidField("messages[].content[].image_url.url", $"bedrock accepts png, jpeg, gif and webp images, not image/{format}");

        writer.WriteStartObject();
        writer.WriteStartObject("image");
        writer.WriteString("format", format);
        writer.WriteStartObject("source");
        writer.WriteString("bytes", url.AsSpan(marker + ";base64,".Length));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }

    static string JoinedText(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
            return "";
        if (content.ValueKind == JsonValueKind.String)
            return content.GetString() ?? "";
        if (content.ValueKind != JsonValueKind.Array)
            return "";
        return string.Concat(content.EnumerateArray()
            .Where(p => p.TryGetProperty("text", out _))
            .Select(p => p.GetProperty("text").GetString()));
    }

    static void WriteSystem(Utf8JsonWriter writer, JsonElement messages)
    {
        var started = false;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.GetProperty("role").GetString() is not ("system" or "developer") || !message.TryGetProperty("content", out var content))
                continue;
            if (!started)
            {
                writer.WriteStartArray("system");
                started = true;
            }
            if (content.ValueKind == JsonValueKind.String)
            {
                WriteText(writer, content.GetString());
                continue;
            }
            if (content.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var part in content.EnumerateArray())
            {
                if (part.TryGetProperty("text", out var text))
                    WriteText(writer, text.GetString());
                if (part.TryGetProperty("cache_control", out var cache) && cache.ValueKind == JsonValueKind.Object)
                    WriteCachePoint(writer);
            }
        }
        if (started)
            writer.WriteEndArray();
    }

    static void WriteInferenceConfig(Utf8JsonWriter writer, int? maxTokens, JsonElement temperature, JsonElement topP, JsonElement stop)
    {
        var hasStop = stop.ValueKind is JsonValueKind.String or JsonValueKind.Array;
        if (maxTokens is null && temperature.ValueKind != JsonValueKind.Number && topP.ValueKind != JsonValueKind.Number && !hasStop)
            return;

        writer.WriteStartObject("inferenceConfig");
        if (maxTokens is { } max)
            writer.WriteNumber("maxTokens", max);
        if (temperature.ValueKind == JsonValueKind.Number)
        {
            writer.WritePropertyName("temperature");
            temperature.WriteTo(writer);
        }
        if (topP.ValueKind == JsonValueKind.Number)
        {
            writer.WritePropertyName("topP");
            topP.WriteTo(writer);
        }
        if (hasStop)
        {
            writer.WriteStartArray("stopSequences");
            if (stop.ValueKind == JsonValueKind.String)
                writer.WriteStringValue(stop.GetString());
            else
                foreach (var sequence in stop.EnumerateArray())
                    writer.WriteStringValue(sequence.GetString());
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>The schema a JSON-mode answer must follow, or Undefined when the request wants free text.</summary>
    static JsonElement JsonModeSchema(JsonElement responseFormat, out ApiError? error)
    {
        error = null;
        if (responseFormat.ValueKind != JsonValueKind.Object || !responseFormat.TryGetProperty("type", out var type))
            return default;
        switch (type.GetString())
        {
            case "json_schema":
                if (responseFormat.TryGetProperty("json_schema", out var holder) && holder.TryGetProperty("schema", out var schema)
                    && schema.ValueKind == JsonValueKind.Object)
                    return schema;
                error = ApiError.InvalidField("response_format.json_schema.schema", "expected a JSON Schema object");
                return default;
            case "json_object":
                using (var any = JsonDocument.Parse("""{"type":"object"}"""))
                    return any.RootElement.Clone();
            default:
                return default;
        }
    }

    static ApiError? WriteToolConfig(Utf8JsonWriter writer, JsonElement tools, JsonElement toolChoice, JsonElement jsonSchema, HashSet<string> usedToolNames)
    {
        var hasTools = tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        var jsonMode = jsonSchema.ValueKind == JsonValueKind.Object;
        var choice = toolChoice.ValueKind == JsonValueKind.String ? toolChoice.GetString() : null;
        var historyUsesTools = usedToolNames.Count > 0;

        // Converse has no "none": leave tools out, unless earlier turns used them (then Converse requires toolConfig).
        if (choice == "none" && !jsonMode && !historyUsesTools)
            return null;
        if (!hasTools && !jsonMode && !historyUsesTools)
            return null;

        writer.WriteStartObject("toolConfig");
        writer.WriteStartArray("tools");
        var declared = new HashSet<string>(StringComparer.Ordinal);
        if (hasTools)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (!tool.TryGetProperty("function", out var function) || !function.TryGetProperty("name", out var name))
                    return ApiError.InvalidField("tools", "each tool must be {\"type\":\"function\",\"function\":{\"name\",…}}");
                declared.Add(name.GetString()!);
                WriteToolSpec(writer, name.GetString()!,
                    function.TryGetProperty("description", out var description) ? description.GetString() : null,
                    function.TryGetProperty("parameters", out var parameters) ? parameters : default);
            }
        }
        // Tools the history used but this request no longer lists still need a spec, or Converse refuses the history.
        foreach (var used in usedToolNames)
            if (declared.Add(used))
                WriteToolSpec(writer, used, null, default);
        if (jsonMode)
            WriteToolSpec(writer, JsonToolName, "Respond with a JSON object that follows this schema.", jsonSchema);
        writer.WriteEndArray();

        if (jsonMode)
        {
            WriteNamedChoice(writer, JsonToolName);
        }
        else if (choice is "required")
        {
            writer.WriteStartObject("toolChoice");
            writer.WriteStartObject("any");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else if (choice is "auto")
        {
            writer.WriteStartObject("toolChoice");
            writer.WriteStartObject("auto");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else if (toolChoice.ValueKind == JsonValueKind.Object && toolChoice.TryGetProperty("function", out var named)
                 && named.TryGetProperty("name", out var toolName))
        {
            WriteNamedChoice(writer, toolName.GetString());
        }
        writer.WriteEndObject();
        return null;
    }

    static void WriteNamedChoice(Utf8JsonWriter writer, string? name)
    {
        writer.WriteStartObject("toolChoice");
        writer.WriteStartObject("tool");
        writer.WriteString("name", name);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    static void WriteToolSpec(Utf8JsonWriter writer, string name, string? description, JsonElement parameters)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("toolSpec");
        writer.WriteString("name", name);
        if (!string.IsNullOrEmpty(description))
            writer.WriteString("description", description);
        writer.WriteStartObject("inputSchema");
        writer.WritePropertyName("json");
        if (parameters.ValueKind == JsonValueKind.Object)
        {
            parameters.WriteTo(writer);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    static ApiError UnsupportedParam(string name, string why) => new(400, "invalid_request_error",
        $"bedrock does not support parameter '{name}' ({why}). To drop it, set drop_params: true on the deployment " +
        "(litellm_params) or under litellm_settings.", name, "400");
}
