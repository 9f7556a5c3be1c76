using System.Text.Json;

namespace Gateway.Api.Messages;

/// <summary>OpenAI usage in Anthropic's terms: input tokens exclude the cache reads and writes reported beside them.</summary>
public readonly record struct MessagesUsage(int InputTokens, int OutputTokens, int CacheReadInputTokens, int CacheCreationInputTokens)
{
    public static MessagesUsage From(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
            return default;
        var prompt = Count(usage, "prompt_tokens");
        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object ? Count(details, "cached_tokens") : 0;
        var creation = Count(usage, "cache_creation_input_tokens");
        return new MessagesUsage(Math.Max(0, prompt - cached - creation), Count(usage, "completion_tokens"), cached, creation);
    }

    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("input_tokens", InputTokens);
        json.WriteNumber("output_tokens", OutputTokens);
        json.WriteNumber("cache_creation_input_tokens", CacheCreationInputTokens);
        json.WriteNumber("cache_read_input_tokens", CacheReadInputTokens);
        json.WriteEndObject();
    }

    static int Count(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) ? Math.Max(0, count) : 0;
}
