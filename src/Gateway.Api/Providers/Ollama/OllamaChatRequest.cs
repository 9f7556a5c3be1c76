using System.Buffers;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Ollama;

/// <summary>
/// An OpenAI chat request as a body for Ollama's <c>POST /api/chat</c>: messages with string content (text parts
/// joined) and base64 <c>images</c>; assistant <c>tool_calls</c> with their arguments as JSON objects; tool results with
/// the <c>tool_name</c> they answer; <c>reasoning_content</c> as <c>thinking</c>; <c>tools</c> as sent (Ollama takes
/// OpenAI's function format); the rest through <see cref="OllamaParameters"/>. A text-completion request becomes one
/// user message.
/// </summary>
public static class OllamaChatRequest
{
    public static byte[] Write(ProxyRequest request, Deployment deployment, out ApiError? error)
    {
        error = null;
        using var document = JsonDocument.Parse(request.Body.Memory);
        var root = document.RootElement;
        if ((error = OllamaParameters.Unsupported(root, deployment)) is not null)
            return [];

        var output = new ArrayBufferWriter<byte>(request.Body.Length + 256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("model", deployment.UpstreamModel);
            writer.WriteStartArray("messages");
            if (request.Endpoint == OpenAIEndpoint.Completions)
            {
                if (OllamaContent.Prompt(root, out error) is not { } prompt)
                    return [];
                writer.WriteStartObject();
                writer.WriteString("role", "user");
                writer.WriteString("content", prompt);
                writer.WriteEndObject();
            }
            else if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                var toolNames = ToolNames(messages);
                foreach (var message in messages.EnumerateArray())
                    if ((error = WriteMessage(writer, message, toolNames)) is not null)
                        return [];
            }
            writer.WriteEndArray();

            var toolChoiceNone = root.TryGetProperty("tool_choice", out var choice) && choice.ValueEquals("none");
            if (!toolChoiceNone)
                WriteTools(writer, root);
            // tool_choice itself has no Ollama equivalent (LiteLLM drops it too: Ollama hangs on it).

            OllamaParameters.Write(writer, root, deployment, request.Stream);
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    static ApiError? WriteMessage(Utf8JsonWriter writer, JsonElement message, Dictionary<string, string>? toolNames)
    {
        if (message.ValueKind != JsonValueKind.Object)
            return ApiError.InvalidField("messages", "each message must be an object.");
        var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "user";

        writer.WriteStartObject();
        writer.WriteString("role", role == "developer" ? "system" : role);

        var content = message.TryGetProperty("content", out var c) ? c : default;
        writer.WritePropertyName("content");
        var error = OllamaContent.WriteText(writer, content);
        if (error is not null)
            return error;
        if ((error = OllamaContent.WriteImages(writer, content)) is not null)
            return error;

        if (message.TryGetProperty("reasoning_content", out var thinking) && thinking.ValueKind == JsonValueKind.String)
            writer.WriteString("thinking", thinking.GetString());

        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var call in calls.EnumerateArray())
            {
                if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                    continue;
                writer.WriteStartObject();
                writer.WriteStartObject("function");
                writer.WriteString("name", function.TryGetProperty("name", out var name) ? name.GetString() : "");
                writer.WritePropertyName("arguments");
                if ((error = WriteArguments(writer, function)) is not null)
                    return error;
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }

        if (role == "tool" && message.TryGetProperty("tool_call_id", out var id) && id.ValueKind == JsonValueKind.String
            && toolNames is not null && toolNames.TryGetValue(id.GetString()!, out var toolName))
            writer.WriteString("tool_name", toolName);

        writer.WriteEndObject();
        return null;
    }

    /// <summary>OpenAI sends arguments as a JSON string; Ollama wants the object itself.</summary>
    static ApiError? WriteArguments(Utf8JsonWriter writer, JsonElement function)
    {
        if (!function.TryGetProperty("arguments", out var arguments) || arguments.ValueKind == JsonValueKind.Null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return null;
        }
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            arguments.WriteTo(writer);
            return null;
        }
        var text = arguments.ValueKind == JsonValueKind.String ? arguments.GetString() : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return null;
        }
        try
        {
            using var parsed = JsonDocument.Parse(text);
            parsed.RootElement.WriteTo(writer);
            return null;
        }
        catch (JsonException)
        {
            return ApiError.InvalidField("messages[].tool_calls[].function.arguments", "must be a JSON object encoded as a string.");
        }
    }

    /// <summary>Which function each earlier tool call id named, so tool results can say which tool they answer.</summary>
    static Dictionary<string, string>? ToolNames(JsonElement messages)
    {
        Dictionary<string, string>? names = null;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var call in calls.EnumerateArray())
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                    && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                    (names ??= [])[id.GetString()!] = name.GetString()!;
        }
        return names;
    }

    /// <summary><c>tools</c> as sent; legacy <c>functions</c> wrapped as tools.</summary>
    static void WriteTools(Utf8JsonWriter writer, JsonElement root)
    {
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
        {
            writer.WritePropertyName("tools");
            tools.WriteTo(writer);
        }
        else if (root.TryGetProperty("functions", out var functions) && functions.ValueKind == JsonValueKind.Array && functions.GetArrayLength() > 0)
        {
            writer.WriteStartArray("tools");
            foreach (var function in functions.EnumerateArray())
            {
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WritePropertyName("function");
                function.WriteTo(writer);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
    }
}
