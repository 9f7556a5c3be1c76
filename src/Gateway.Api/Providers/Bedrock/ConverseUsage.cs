using System.Text.Json;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// Converse's token counts, written as OpenAI's <c>usage</c>. Converse counts cache reads and writes apart from
/// <c>inputTokens</c>; OpenAI's <c>prompt_tokens</c> includes them (as LiteLLM reports it), with the reads in
/// <c>prompt_tokens_details.cached_tokens</c> and the writes in <c>cache_creation_input_tokens</c>, so each is priced at its rate.
/// </summary>
internal readonly record struct ConverseUsage(int InputTokens, int OutputTokens, int CacheReadInputTokens, int CacheWriteInputTokens)
{
    public static ConverseUsage Read(JsonElement usage) => new(
        Count(usage, "inputTokens"), Count(usage, "outputTokens"),
        Count(usage, "cacheReadInputTokens"), Count(usage, "cacheWriteInputTokens"));

    public void Write(Utf8JsonWriter writer)
    {
        var prompt = InputTokens + CacheReadInputTokens + CacheWriteInputTokens;
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", prompt);
        writer.WriteNumber("completion_tokens", OutputTokens);
        writer.WriteNumber("total_tokens", prompt + OutputTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", CacheReadInputTokens);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", 0); // Converse does not count reasoning apart from output
        writer.WriteEndObject();
        writer.WriteNumber("cache_creation_input_tokens", CacheWriteInputTokens);
        writer.WriteNumber("cache_read_input_tokens", CacheReadInputTokens);
        writer.WriteEndObject();
    }

    static int Count(JsonElement usage, string name) =>
        usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count > 0
            ? count
            : 0;
}

/// <summary>Converse's <c>stopReason</c> as OpenAI's <c>finish_reason</c> (LiteLLM's mapping).</summary>
internal static class ConverseStopReason
{
    public static string ToFinishReason(string? stopReason) => stopReason switch
    {
        "end_turn" or "stop_sequence" => "stop",
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "guardrail_intervened" or "content_filtered" => "content_filter",
        _ => "stop",
    };
}
