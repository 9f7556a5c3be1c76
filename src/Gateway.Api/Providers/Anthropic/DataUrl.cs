namespace Gateway.Api.Providers.Anthropic;

/// <summary>RFC 2397 <c>data:</c> URLs in their base64 form, as OpenAI clients send inline images and files.</summary>
public static class DataUrl
{
    /// <summary>Splits <c>data:&lt;media type&gt;[;params];base64,&lt;data&gt;</c>; false for any other URL.</summary>
    public static bool TryParse(string url, out string mediaType, out string data)
    {
        mediaType = data = "";
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            return false;
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
            return false;
        var header = url.AsSpan(5, comma - 5);
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            return false;
        var type = header[..^";base64".Length];
        var parameters = type.IndexOf(';');
        if (parameters >= 0)
            type = type[..parameters];
        if (type.IsEmpty)
            return false;
        mediaType = type.ToString().ToLowerInvariant();
        data = url[(comma + 1)..];
        return data.Length > 0;
    }

    public static string Create(string mediaType, string base64) => $"data:{mediaType};base64,{base64}";
}
