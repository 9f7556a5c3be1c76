using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Providers.Anthropic;
using Gateway.Api.Proxy;
using static Gateway.Api.Providers.Anthropic.AnthropicBlocks;

namespace Gateway.Api.Messages;

/// <summary>
/// An Anthropic Messages request as the OpenAI chat request the proxy routes, limits and charges, and sends to a
/// provider that is not Anthropic: <c>system</c> becomes a system message, <c>tool_result</c> blocks become <c>tool</c>
/// messages ahead of the rest of their user turn, <c>tool_use</c> blocks assistant <c>tool_calls</c>, images data: or
/// http URLs, PDFs file parts, tools function tools, <c>tool_choice</c> any → required, <c>stop_sequences</c> → stop,
/// <c>metadata.user_id</c> → user; streams ask for usage so every call is charged.
/// <para>
/// The same translation serves an Anthropic deployment, which gets the original body instead, so it never refuses what
/// Anthropic accepts: what OpenAI cannot carry (server tools, MCP servers, documents by URL) is listed in
/// <see cref="AnthropicOnly"/> and refused only if the call goes to another provider. Thinking blocks, <c>thinking</c>,
/// <c>top_k</c> and <c>cache_control</c> have no OpenAI equivalent and are left out for other providers.
/// </para>
/// </summary>
public sealed record MessagesRequest(byte[] OpenAIBody, string Model, bool Stream, IReadOnlyList<string> AnthropicOnly)
{
    /// <summary>
    /// The OpenAI request, or the error to answer with. The body is checked whole first (<see cref="RequestJson"/>):
    /// valid UTF-8, at most <paramref name="maxDepth"/> levels, no lone surrogates.
    /// </summary>
    public static MessagesRequest? Translate(ReadOnlyMemory<byte> body, bool countingTokens, out ApiError? error, int maxDepth = RequestJson.MaxDepth)
    {
        if (RequestJson.Check(body.Span, maxDepth, storable: false) is { } invalid)
            return Fail(out error, invalid);
        try
        {
            return TranslateCore(body, countingTokens, out error);
        }
        catch (InvalidOperationException ex)
        {
            // A value of a kind the translation did not expect (JsonElement refuses to read it as another kind).
            return Fail(out error, new ApiError(400, "invalid_request_error", $"Invalid request body: {ex.Message}", null, "400"));
        }
    }

    static MessagesRequest? TranslateCore(ReadOnlyMemory<byte> body, bool countingTokens, out ApiError? error)
    {
        error = null;
        var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestJson.MaxDepth });
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Fail(out error, ApiError.MalformedJson("the body must be a JSON object."));
            if (!root.TryGetProperty("model", out var modelValue) || modelValue.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(modelValue.GetString()))
                return Fail(out error, ApiError.MissingField("model", "a string naming a model from /v1/models"));
            var maxTokens = root.TryGetProperty("max_tokens", out var max) ? max : default;
            if (!countingTokens && maxTokens.ValueKind == JsonValueKind.Undefined)
                return Fail(out error, ApiError.MissingField("max_tokens", "the most tokens to generate, as Anthropic's API requires"));
            if (maxTokens.ValueKind != JsonValueKind.Undefined && (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt32(out var limit) || limit < 1))
                return Fail(out error, ApiError.InvalidField("max_tokens", "expected a positive whole number"));
            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
                return Fail(out error, ApiError.MissingField("messages", "a non-empty array of {role, content} turns"));

            var streamValue = root.TryGetProperty("stream", out var s) ? s.ValueKind : JsonValueKind.Undefined;
            if (streamValue is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False))
                return Fail(out error, ApiError.InvalidField("stream", "expected a boolean"));
            var stream = streamValue == JsonValueKind.True;
            var anthropicOnly = new List<string>();
            var output = new ArrayBufferWriter<byte>(body.Length + 256);
            using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                json.WriteString("model", modelValue.GetString());
                json.WriteStartArray("messages");
                if (root.TryGetProperty("system", out var system) && !System(json, system, out error))
                    return null;
                var index = 0;
                foreach (var message in messages.EnumerateArray())
                    if (!Message(json, message, index++, anthropicOnly, out error))
                        return null;
                json.WriteEndArray();

                if (maxTokens.ValueKind == JsonValueKind.Number)
                    json.WriteNumber("max_tokens", maxTokens.GetInt32());
                if (stream)
                {
                    json.WriteBoolean("stream", true);
                    json.WriteStartObject("stream_options");
                    json.WriteBoolean("include_usage", true);
                    json.WriteEndObject();
                }
                foreach (var name in (ReadOnlySpan<string>)["temperature", "top_p"])
                {
                    if (root.TryGetProperty(name, out var number) && number.ValueKind == JsonValueKind.Number)
                    {
                        json.WritePropertyName(name);
                        number.WriteTo(json);
                    }
                }
                if (root.TryGetProperty("stop_sequences", out var stops) && stops.ValueKind == JsonValueKind.Array && stops.GetArrayLength() > 0)
                {
                    json.WritePropertyName("stop");
                    stops.WriteTo(json);
                }
                if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                    && metadata.TryGetProperty("user_id", out var user) && user.ValueKind == JsonValueKind.String)
                    json.WriteString("user", user.GetString());
                if (!Tools(json, root, anthropicOnly, out error))
                    return null;
                foreach (var name in (ReadOnlySpan<string>)["mcp_servers", "container"])
                    if (root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                        anthropicOnly.Add(name);
                json.WriteEndObject();
            }
            return new MessagesRequest(output.WrittenSpan.ToArray(), modelValue.GetString()!, stream, anthropicOnly);
        }
    }

    /// <summary>A string, or text blocks joined by blank lines, as one system message.</summary>
    static bool System(Utf8JsonWriter json, JsonElement system, out ApiError? error)
    {
        error = null;
        string? text;
        if (system.ValueKind == JsonValueKind.String)
        {
            text = system.GetString();
        }
        else if (system.ValueKind == JsonValueKind.Array)
        {
            text = string.Join("\n\n", system.EnumerateArray()
                .Where(b => Text(b, "type") == "text")
                .Select(b => Text(b, "text")).Where(t => !string.IsNullOrEmpty(t)));
        }
        else if (system.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        else
        {
            error = ApiError.InvalidField("system", "expected a string or an array of text blocks");
            return false;
        }
        if (string.IsNullOrEmpty(text))
            return true;
        json.WriteStartObject();
        json.WriteString("role", "system");
        json.WriteString("content", text);
        json.WriteEndObject();
        return true;
    }

    static bool Message(Utf8JsonWriter json, JsonElement message, int index, List<string> anthropicOnly, out ApiError? error)
    {
        error = null;
        var role = message.ValueKind == JsonValueKind.Object ? Text(message, "role") : null;
        if (role is not ("user" or "assistant"))
        {
            error = ApiError.InvalidField($"messages[{index}].role", "expected \"user\" or \"assistant\" (the system prompt goes in the top-level system)");
            return false;
        }
        var content = message.TryGetProperty("content", out var c) ? c : default;
        if (content.ValueKind == JsonValueKind.String)
        {
            json.WriteStartObject();
            json.WriteString("role", role);
            json.WriteString("content", content.GetString());
            json.WriteEndObject();
            return true;
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            error = ApiError.InvalidField($"messages[{index}].content", "expected a string or an array of content blocks");
            return false;
        }
        return role == "user"
            ? UserTurn(json, content, index, anthropicOnly)
            : AssistantTurn(json, content, index, anthropicOnly);
    }

    /// <summary>Tool results first, each its own tool message (OpenAI wants them right after the calls), then the rest.</summary>
    static bool UserTurn(Utf8JsonWriter json, JsonElement content, int index, List<string> anthropicOnly)
    {
        foreach (var block in content.EnumerateArray())
        {
            if (Text(block, "type") != "tool_result")
                continue;
            json.WriteStartObject();
            json.WriteString("role", "tool");
            json.WriteString("tool_call_id", Text(block, "tool_use_id"));
            json.WriteString("content", ToolResultText(block, index, anthropicOnly));
            json.WriteEndObject();
        }

        var parts = content.EnumerateArray().Where(b => Text(b, "type") != "tool_result").ToList();
        if (parts.Count == 0)
            return true;
        json.WriteStartObject();
        json.WriteString("role", "user");
        if (parts.Count == 1 && Text(parts[0], "type") == "text")
        {
            json.WriteString("content", Text(parts[0], "text"));
        }
        else
        {
            json.WriteStartArray("content");
            foreach (var block in parts)
                Part(json, block, index, anthropicOnly);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        return true;
    }

    static void Part(Utf8JsonWriter json, JsonElement block, int index, List<string> anthropicOnly)
    {
        var type = Text(block, "type");
        var source = block.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var sourceType = source.ValueKind == JsonValueKind.Object ? Text(source, "type") : null;
        switch (type, sourceType)
        {
            case ("text", _):
                json.WriteStartObject();
                json.WriteString("type", "text");
                json.WriteString("text", Text(block, "text"));
                json.WriteEndObject();
                break;
            case ("image", "base64"):
                ImageUrl(json, DataUrl.Create(Text(source, "media_type") ?? "image/png", Text(source, "data") ?? ""));
                break;
            case ("image", "url"):
                ImageUrl(json, Text(source, "url") ?? "");
                break;
            case ("document", "base64"):
                json.WriteStartObject();
                json.WriteString("type", "file");
                json.WriteStartObject("file");
                json.WriteString("file_data", DataUrl.Create(Text(source, "media_type") ?? "application/pdf", Text(source, "data") ?? ""));
                if (Text(block, "title") is { } title)
                    json.WriteString("filename", title);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case ("document", "text"):
                json.WriteStartObject();
                json.WriteString("type", "text");
                json.WriteString("text", Text(source, "data"));
                json.WriteEndObject();
                break;
            default:
                anthropicOnly.Add($"messages[{index}] {type} block{(sourceType is null ? "" : $" ({sourceType} source)")}");
                break;
        }
    }

    static void ImageUrl(Utf8JsonWriter json, string url)
    {
        json.WriteStartObject();
        json.WriteString("type", "image_url");
        json.WriteStartObject("image_url");
        json.WriteString("url", url);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static string ToolResultText(JsonElement block, int index, List<string> anthropicOnly)
    {
        if (!block.TryGetProperty("content", out var content))
            return "";
        if (content.ValueKind == JsonValueKind.String)
            return content.GetString() ?? "";
        if (content.ValueKind != JsonValueKind.Array)
            return "";
        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (Text(part, "type") == "text")
                text.Append(Text(part, "text"));
            else
                anthropicOnly.Add($"messages[{index}] tool_result with a {Text(part, "type")} block");
        }
        return text.ToString();
    }

    /// <summary>Text joined as content, <c>tool_use</c> blocks as tool calls with their input as a JSON string.</summary>
    static bool AssistantTurn(Utf8JsonWriter json, JsonElement content, int index, List<string> anthropicOnly)
    {
        var text = new StringBuilder();
        var calls = new List<JsonElement>();
        foreach (var block in content.EnumerateArray())
        {
            switch (Text(block, "type"))
            {
                case "text":
                    text.Append(Text(block, "text"));
                    break;
                case "tool_use":
                    calls.Add(block);
                    break;
                case "thinking" or "redacted_thinking":
                    break; // signed for Anthropic only; other providers cannot take it back
                case var other:
                    anthropicOnly.Add($"messages[{index}] {other} block");
                    break;
            }
        }

        json.WriteStartObject();
        json.WriteString("role", "assistant");
        if (text.Length > 0)
            json.WriteString("content", text.ToString());
        else
            json.WriteNull("content");
        AnthropicBlocks.WriteToolCalls(json, calls);
        json.WriteEndObject();
        return true;
    }

    /// <summary>Custom tools as function tools; <c>tool_choice</c> auto/any/tool/none as auto/required/named/none.</summary>
    static bool Tools(Utf8JsonWriter json, JsonElement root, List<string> anthropicOnly, out ApiError? error)
    {
        error = null;
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
            return true;

        json.WriteStartArray("tools");
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var type = Text(tool, "type");
            if (type is not (null or "custom"))
            {
                anthropicOnly.Add($"tools[{index++}] of type {type}");
                continue;
            }
            var name = Text(tool, "name");
            if (string.IsNullOrEmpty(name))
            {
                error = ApiError.InvalidField($"tools[{index}].name", "expected the tool's name");
                return false;
            }
            json.WriteStartObject();
            json.WriteString("type", "function");
            json.WriteStartObject("function");
            json.WriteString("name", name);
            if (Text(tool, "description") is { } description)
                json.WriteString("description", description);
            if (tool.TryGetProperty("input_schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
            {
                json.WritePropertyName("parameters");
                schema.WriteTo(json);
            }
            json.WriteEndObject();
            json.WriteEndObject();
            index++;
        }
        json.WriteEndArray();

        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind != JsonValueKind.Object)
            return true;
        switch (Text(choice, "type"))
        {
            case "auto":
                json.WriteString("tool_choice", "auto");
                break;
            case "any":
                json.WriteString("tool_choice", "required");
                break;
            case "none":
                json.WriteString("tool_choice", "none");
                break;
            case "tool":
                json.WriteStartObject("tool_choice");
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", Text(choice, "name"));
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            default:
                error = ApiError.InvalidField("tool_choice.type", "expected \"auto\", \"any\", \"tool\" or \"none\"");
                return false;
        }
        if (choice.TryGetProperty("disable_parallel_tool_use", out var disable) && disable.ValueKind == JsonValueKind.True)
            json.WriteBoolean("parallel_tool_calls", false);
        return true;
    }

    static MessagesRequest? Fail(out ApiError? error, ApiError why)
    {
        error = why;
        return null;
    }
}
