using System.Text;
using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Ollama;

/// <summary>
/// OpenAI message content as Ollama takes it: one string (text parts joined) and the images beside it as bare base64
/// (Ollama's <c>images</c>). Images must come inline as <c>data:</c> URLs: the gateway does not fetch remote URLs on a
/// caller's behalf.
/// </summary>
public static class OllamaContent
{
    /// <summary>The text of a message's content: the string itself, or its text parts joined.</summary>
    public static string Text(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.String)
                        text.Append(part.GetString());
                    else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                        text.Append(t.GetString());
                }
                return text.ToString();
            default:
                return "";
        }
    }

    public static ApiError? WriteText(Utf8JsonWriter writer, JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
            content.WriteTo(writer); // as sent, no copy
        else
            writer.WriteStringValue(Text(content));
        return null;
    }

    /// <summary>Writes <c>images</c> when the content has image parts.</summary>
    public static ApiError? WriteImages(Utf8JsonWriter writer, JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Array)
            return null;
        var started = false;
        foreach (var part in content.EnumerateArray())
        {
            if (Image(part, out var error) is not { } base64)
            {
                if (error is not null)
                    return error;
                continue;
            }
            if (!started)
                writer.WriteStartArray("images");
            started = true;
            writer.WriteStringValue(base64);
        }
        if (started)
            writer.WriteEndArray();
        return null;
    }

    /// <summary>Adds the base64 of each image part to <paramref name="images"/>.</summary>
    public static ApiError? CollectImages(JsonElement content, List<string> images)
    {
        if (content.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var part in content.EnumerateArray())
        {
            if (Image(part, out var error) is { } base64)
                images.Add(base64);
            else if (error is not null)
                return error;
        }
        return null;
    }

    /// <summary>The base64 of an <c>image_url</c> part given as a data URL; null for other parts.</summary>
    static string? Image(JsonElement part, out ApiError? error)
    {
        error = null;
        if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("image_url", out var image))
            return null;
        var url = image.ValueKind switch
        {
            JsonValueKind.String => image.GetString(),
            JsonValueKind.Object when image.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
            _ => null,
        };
        const string marker = ";base64,";
        var at = url?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (url is not null && url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && at > 0)
            return url[(at + marker.Length)..];
        error = ApiError.InvalidField("messages[].content[].image_url.url",
            "Ollama takes images inline: send them as data:image/...;base64,... URLs (the gateway does not fetch remote images).");
        return null;
    }

    /// <summary>A text-completion prompt: a string, or an array holding one string.</summary>
    public static string? Prompt(JsonElement root, out ApiError? error)
    {
        error = null;
        if (root.TryGetProperty("prompt", out var prompt))
        {
            if (prompt.ValueKind == JsonValueKind.String)
                return prompt.GetString();
            if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.String)
                return prompt[0].GetString();
        }
        error = ApiError.InvalidField("prompt", "Ollama takes one prompt string per request.");
        return null;
    }
}
