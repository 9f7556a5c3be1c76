using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Ollama;

/// <summary>
/// A request as a body for Ollama's <c>POST /api/generate</c>, as LiteLLM's <c>ollama/</c> does it: a text completion's
/// prompt as is (with <c>suffix</c>); a chat flattened into one prompt of <c>### User:</c>, <c>### System:</c> and
/// <c>### Assistant:</c> sections (consecutive messages of a kind merged, tool results counted as the user's) with every
/// image in <c>images</c>. The endpoint has no tool calling: tools are refused unless <c>drop_params</c> (LiteLLM's
/// prompt-injection fallback is unreliable; <c>ollama_chat/</c> does tools natively).
/// </summary>
public static class OllamaGenerateRequest
{
    static readonly string[] ToolParams = ["tools", "functions"];

    public static byte[] Write(ProxyRequest request, Deployment deployment, out ApiError? error)
    {
        error = null;
        using var document = JsonDocument.Parse(request.Body.Memory);
        var root = document.RootElement;
        var tools = ToolParams.Where(name => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0).ToList();
        if (tools.Count > 0 && !deployment.DropParams)
        {
            var refused = OllamaParameters.UnsupportedParams(deployment, tools);
            error = refused with { Message = refused.Message + $" ollama/ uses Ollama's /api/generate, which has no tool calling; name the model ollama_chat/{deployment.UpstreamModel} for tools." };
            return [];
        }
        if ((error = OllamaParameters.Unsupported(root, deployment)) is not null)
            return [];

        string prompt;
        var images = new List<string>();
        if (request.Endpoint == OpenAIEndpoint.Completions)
        {
            if (OllamaContent.Prompt(root, out error) is not { } text)
                return [];
            prompt = text;
        }
        else
        {
            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                error = ApiError.MissingField("messages", "an array of chat messages");
                return [];
            }
            if ((prompt = Flatten(messages, images, out error)!) is null)
                return [];
        }

        var output = new ArrayBufferWriter<byte>(request.Body.Length + 256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("model", deployment.UpstreamModel);
            writer.WriteString("prompt", prompt);
            if (root.TryGetProperty("suffix", out var suffix) && suffix.ValueKind == JsonValueKind.String)
                writer.WriteString("suffix", suffix.GetString());
            if (images.Count > 0)
            {
                writer.WriteStartArray("images");
                foreach (var image in images)
                    writer.WriteStringValue(image);
                writer.WriteEndArray();
            }
            OllamaParameters.Write(writer, root, deployment, request.Stream);
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>LiteLLM's prompt for /api/generate: user (and tool) turns, then system turns, then assistant turns, repeated.</summary>
    static string? Flatten(JsonElement messages, List<string> images, out ApiError? error)
    {
        error = null;
        var items = messages.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.Object).ToList();
        var prompt = new StringBuilder();
        var i = 0;
        while (i < items.Count)
        {
            var before = i;

            var user = new StringBuilder();
            while (i < items.Count && Role(items[i]) is "user" or "tool" or "function")
            {
                var content = items[i].TryGetProperty("content", out var c) ? c : default;
                user.Append(OllamaContent.Text(content));
                if ((error = OllamaContent.CollectImages(content, images)) is not null)
                    return null;
                i++;
            }
            if (user.Length > 0)
                prompt.Append("### User:\n").Append(user).Append("\n\n");

            var system = new StringBuilder();
            while (i < items.Count && Role(items[i]) is "system" or "developer")
                system.Append(OllamaContent.Text(items[i++].TryGetProperty("content", out var c) ? c : default));
            if (system.Length > 0)
                prompt.Append("### System:\n").Append(system).Append("\n\n");

            var assistant = new StringBuilder();
            while (i < items.Count && Role(items[i]) == "assistant")
            {
                var message = items[i++];
                assistant.Append(OllamaContent.Text(message.TryGetProperty("content", out var c) ? c : default));
                if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0)
                    assistant.Append("Tool Calls: ").Append(calls.GetRawText());
            }
            if (assistant.Length > 0)
                prompt.Append("### Assistant:\n").Append(assistant).Append("\n\n");

            if (i == before)
            {
                error = ApiError.InvalidField("messages", $"unsupported role '{Role(items[i])}' for ollama/.");
                return null;
            }
        }
        return prompt.ToString();
    }

    static string? Role(JsonElement message) =>
        message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : null;
}
