using System.Text.Json;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>
/// Anthropic's token counts. Its <c>input_tokens</c> leaves out the tokens read from and written to the prompt cache;
/// OpenAI's <c>prompt_tokens</c> counts them all, so the prompt is the sum of the three and the cache reads are the
/// cached tokens. Cache writes travel as <c>usage.cache_creation_input_tokens</c> (where LiteLLM puts them), so they
/// are priced at the cache-creation rate.
/// </summary>
public readonly record struct AnthropicUsage(int InputTokens, int OutputTokens, int CacheReadInputTokens, int CacheCreationInputTokens)
{
    public int PromptTokens => InputTokens + CacheReadInputTokens + CacheCreationInputTokens;

    /// <summary>
    /// Reads a <c>usage</c> object (the reader stands on its start) over <paramref name="earlier"/>: a stream's
    /// <c>message_delta</c> repeats only some counts, and each count it gives is the running total.
    /// </summary>
    public static AnthropicUsage Read(ref Utf8JsonReader reader, AnthropicUsage earlier = default)
    {
        var usage = earlier;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return usage;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8)) usage = usage with { InputTokens = ReadCount(ref reader, usage.InputTokens) };
            else if (reader.ValueTextEquals("output_tokens"u8)) usage = usage with { OutputTokens = ReadCount(ref reader, usage.OutputTokens) };
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8)) usage = usage with { CacheReadInputTokens = ReadCount(ref reader, usage.CacheReadInputTokens) };
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8)) usage = usage with { CacheCreationInputTokens = ReadCount(ref reader, usage.CacheCreationInputTokens) };
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return usage;
    }

    /// <summary>Reads a <c>usage</c> object already parsed into a document.</summary>
    public static AnthropicUsage From(JsonElement usage) =>
        usage.ValueKind != JsonValueKind.Object
            ? default
            : new AnthropicUsage(Count(usage, "input_tokens"), Count(usage, "output_tokens"),
                Count(usage, "cache_read_input_tokens"), Count(usage, "cache_creation_input_tokens"));

    static int Count(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) ? Math.Max(0, count) : 0;

    public TokenUsage ToTokenUsage(int reasoningTokens = 0) =>
        new(PromptTokens, OutputTokens, CacheReadInputTokens, Math.Min(reasoningTokens, OutputTokens), CacheCreationInputTokens);

    /// <summary>Writes OpenAI's <c>usage</c> property, with Anthropic's cache counts beside it as LiteLLM does.</summary>
    public void WriteOpenAI(Utf8JsonWriter json, int reasoningTokens)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", PromptTokens);
        json.WriteNumber("completion_tokens", OutputTokens);
        json.WriteNumber("total_tokens", PromptTokens + OutputTokens);
        json.WriteStartObject("prompt_tokens_details");
        json.WriteNumber("cached_tokens", CacheReadInputTokens);
        json.WriteEndObject();
        json.WriteStartObject("completion_tokens_details");
        json.WriteNumber("reasoning_tokens", Math.Min(reasoningTokens, OutputTokens));
        json.WriteEndObject();
        json.WriteNumber("cache_creation_input_tokens", CacheCreationInputTokens);
        json.WriteNumber("cache_read_input_tokens", CacheReadInputTokens);
        json.WriteEndObject();
    }

    /// <summary>
    /// Anthropic bills thinking as output and does not count it apart; like LiteLLM, the gateway reports an
    /// estimate (about four UTF-8 bytes a token) so reasoning shows in the usage. It never changes the total.
    /// </summary>
    public static int EstimateTokens(int utf8Bytes) => utf8Bytes <= 0 ? 0 : Math.Max(1, (utf8Bytes + 3) / 4);

    static int ReadCount(ref Utf8JsonReader reader, int current)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
            return Math.Max(0, value);
        reader.Skip();
        return current; // null: not given here
    }
}
