using System.Text.Json;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// Gemini's <c>usageMetadata</c> as OpenAI's <c>usage</c>, computed as LiteLLM computes it: prompt tokens are
/// <c>promptTokenCount</c> (which includes the cached ones), cached tokens <c>cachedContentTokenCount</c>, reasoning
/// tokens <c>thoughtsTokenCount</c>; completion tokens are <c>candidatesTokenCount</c> plus the thoughts, unless
/// Gemini already counted them in (when prompt + candidates = total), so thinking is charged as output either way.
/// </summary>
internal readonly record struct GeminiUsage(int Prompt, int Candidates, int Total, int Thoughts, int Cached)
{
    public int Completion => Thoughts > 0 && Prompt + Candidates != Total ? Candidates + Thoughts : Candidates;

    public static GeminiUsage? Read(JsonElement response) =>
        response.TryGetProperty("usageMetadata", out var usage) && usage.ValueKind == JsonValueKind.Object
            ? new GeminiUsage(Count(usage, "promptTokenCount"), Count(usage, "candidatesTokenCount"), Count(usage, "totalTokenCount"),
                Count(usage, "thoughtsTokenCount"), Count(usage, "cachedContentTokenCount"))
            : null;

    public void Write(Utf8JsonWriter json)
    {
        var completion = Completion;
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", Prompt);
        json.WriteNumber("completion_tokens", completion);
        json.WriteNumber("total_tokens", Total > 0 ? Math.Max(Total, Prompt + completion) : Prompt + completion);
        json.WriteStartObject("prompt_tokens_details");
        json.WriteNumber("cached_tokens", Cached);
        json.WriteEndObject();
        json.WriteStartObject("completion_tokens_details");
        json.WriteNumber("reasoning_tokens", Thoughts);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static int Count(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count > 0
            ? count
            : 0;
}

/// <summary>Gemini's <c>finishReason</c> as OpenAI's <c>finish_reason</c> (LiteLLM's table).</summary>
internal static class GeminiFinishReason
{
    /// <summary>Reasons that mean a filter stopped the answer: LiteLLM then returns no content at all.</summary>
    public static bool IsFiltered(string? reason) => reason is
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY"
        or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION";

    public static string ToOpenAI(string? reason, bool calledTools)
    {
        if (calledTools)
            return "tool_calls";
        return reason switch
        {
            "MAX_TOKENS" => "length",
            "LANGUAGE" or "OTHER" or "IMAGE_OTHER" => "content_filter",
            _ when IsFiltered(reason) => "content_filter",
            _ => "stop", // STOP, FINISH_REASON_UNSPECIFIED, MALFORMED_FUNCTION_CALL (OpenAI has no word for it)
        };
    }
}
