using System.Text.Json;
using Gateway.Api.Providers.Anthropic;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// An image, audio clip or file from an OpenAI message as a Gemini part. A <c>data:</c> URL goes inline
/// (<c>inlineData</c>). Gemini fetches HTTPS URLs itself (public or signed, and its own Files API URIs), given as
/// <c>fileData</c> with a media type: the part's <c>format</c>, else the one the URL's extension names (LiteLLM's list).
/// Vertex also reads <c>gs://</c> objects. The gateway never downloads a URL on a client's behalf, so a URL Gemini
/// cannot read (plain <c>http://</c>, <c>gs://</c> on AI Studio, an HTTPS URL of unknown type) is a 400 that says why.
/// </summary>
internal static class GeminiMedia
{
    static readonly (string Extension, string MediaType)[] KnownTypes =
    [
        (".jpg", "image/jpeg"), (".jpeg", "image/jpeg"), (".png", "image/png"), (".webp", "image/webp"),
        (".heic", "image/heic"), (".heif", "image/heif"), (".gif", "image/gif"),
        (".mp4", "video/mp4"), (".mov", "video/mov"), (".mpeg", "video/mpeg"), (".mpg", "video/mpeg"), (".avi", "video/avi"),
        (".wmv", "video/wmv"), (".mpegps", "video/mpegps"), (".flv", "video/flv"), (".webm", "video/webm"),
        (".mp3", "audio/mp3"), (".wav", "audio/wav"), (".ogg", "audio/ogg"), (".flac", "audio/flac"), (".aac", "audio/aac"),
        (".pdf", "application/pdf"), (".txt", "text/plain"),
    ];

    /// <summary>Writes one part for <paramref name="url"/>, or returns why it cannot be sent (for a 400 that names the field).</summary>
    public static string? Write(Utf8JsonWriter json, string url, string? format, GeminiApi api)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            if (!DataUrl.TryParse(url, out var mediaType, out var data))
                return "a data: URL must be base64 (data:<media type>;base64,<data>).";
            json.WriteStartObject();
            json.WriteStartObject("inlineData");
            json.WriteString("mimeType", string.IsNullOrEmpty(format) ? mediaType : format);
            json.WriteString("data", data);
            json.WriteEndObject();
            json.WriteEndObject();
            return null;
        }

        var isGcs = url.StartsWith("gs://", StringComparison.OrdinalIgnoreCase);
        if (isGcs && api != GeminiApi.VertexAI)
            return "Google AI Studio cannot read gs:// objects directly; send the data inline " +
                "(a data: URL), an HTTPS or signed URL, or use a vertex_ai/ deployment.";
        if (!isGcs && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return "Gemini fetches only HTTPS URLs; send the data inline as a data: URL " +
                "(data:<media type>;base64,<data>) or give an https:// URL.";

        var type = string.IsNullOrEmpty(format) ? TypeOf(url) : format;
        if (type is null && !IsGoogleFile(url))
            return $"cannot tell the media type of '{Shorten(url)}' from its name; " +
                "say it with \"format\" (e.g. {\"url\": …, \"format\": \"image/png\"}).";

        json.WriteStartObject();
        json.WriteStartObject("fileData");
        if (type is not null)
            json.WriteString("mimeType", type);
        json.WriteString("fileUri", url);
        json.WriteEndObject();
        json.WriteEndObject();
        return null;
    }

    /// <summary>The media type the URL's path ends in, or null.</summary>
    public static string? TypeOf(string url)
    {
        var path = url.AsSpan();
        var query = path.IndexOfAny('?', '#');
        if (query >= 0)
            path = path[..query];
        foreach (var (extension, mediaType) in KnownTypes)
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                return mediaType;
        return null;
    }

    /// <summary>Files uploaded to Gemini's Files API and YouTube videos: Gemini knows their type itself.</summary>
    static bool IsGoogleFile(string url) =>
        url.StartsWith("https://generativelanguage.googleapis.com/", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("https://www.youtube.com/", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("https://youtu.be/", StringComparison.OrdinalIgnoreCase);

    static string Shorten(string url) => url.Length <= 100 ? url : url[..100] + "…";
}
