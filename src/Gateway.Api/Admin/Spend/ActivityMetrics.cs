using System.Text.Json.Serialization;
using Gateway.Domain.Spend;

namespace Gateway.Api.Admin.Spend;

/// <summary>LiteLLM's <c>SpendMetrics</c>: what some daily rollup rows add up to.</summary>
internal sealed class ActivityMetrics
{
    [JsonPropertyName("spend")] public decimal Spend { get; private set; }
    [JsonPropertyName("prompt_tokens")] public long PromptTokens { get; private set; }
    [JsonPropertyName("completion_tokens")] public long CompletionTokens { get; private set; }
    [JsonPropertyName("cache_read_input_tokens")] public long CacheReadInputTokens { get; private set; }
    [JsonPropertyName("cache_creation_input_tokens")] public long CacheCreationInputTokens { get; private set; }
    [JsonPropertyName("total_tokens")] public long TotalTokens { get; private set; }
    [JsonPropertyName("successful_requests")] public long SuccessfulRequests { get; private set; }
    [JsonPropertyName("failed_requests")] public long FailedRequests { get; private set; }
    [JsonPropertyName("api_requests")] public long ApiRequests { get; private set; }
    [JsonPropertyName("total_response_time_ms")] public long TotalResponseTimeMs { get; private set; }
    [JsonPropertyName("timed_requests")] public long TimedRequests { get; private set; }

    public void Add(DailySpend row)
    {
        Spend += row.Spend;
        PromptTokens += row.PromptTokens;
        CompletionTokens += row.CompletionTokens;
        CacheReadInputTokens += row.CachedTokens;
        CacheCreationInputTokens += row.CacheCreationTokens;
        TotalTokens += row.TotalTokens;
        SuccessfulRequests += row.SuccessfulRequests;
        FailedRequests += row.FailedRequests;
        ApiRequests += row.ApiRequests;
        TotalResponseTimeMs += (long)Math.Round(row.TotalLatencyMs);
        TimedRequests += row.ApiRequests;
    }
}

/// <summary>LiteLLM's <c>MetricWithMetadata</c>: one model's, group's or provider's metrics, and per key within it.</summary>
internal sealed class ActivityEntry
{
    [JsonPropertyName("metrics")] public ActivityMetrics Metrics { get; } = new();
    [JsonPropertyName("metadata")] public Dictionary<string, object?> Metadata { get; } = [];
    [JsonPropertyName("api_key_breakdown")] public Dictionary<string, ActivityKeyEntry> ApiKeyBreakdown { get; } = new(StringComparer.Ordinal);
}

/// <summary>LiteLLM's <c>KeyMetricWithMetadata</c>: a key's metrics and who it belongs to.</summary>
internal sealed class ActivityKeyEntry(KeyLabel label)
{
    [JsonPropertyName("metrics")] public ActivityMetrics Metrics { get; } = new();
    [JsonPropertyName("metadata")] public KeyLabel Metadata { get; } = label;
}

/// <summary>LiteLLM's <c>KeyMetadata</c>.</summary>
internal sealed record KeyLabel(
    [property: JsonPropertyName("key_alias")] string? KeyAlias,
    [property: JsonPropertyName("team_id")] string? TeamId,
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("key_exists")] bool KeyExists)
{
    public static readonly KeyLabel Unknown = new(null, null, null, false);
}

/// <summary>LiteLLM's <c>BreakdownMetrics</c> for one day.</summary>
internal sealed class ActivityBreakdown
{
    [JsonPropertyName("models")] public Dictionary<string, ActivityEntry> Models { get; } = new(StringComparer.Ordinal);
    [JsonPropertyName("model_groups")] public Dictionary<string, ActivityEntry> ModelGroups { get; } = new(StringComparer.Ordinal);
    [JsonPropertyName("providers")] public Dictionary<string, ActivityEntry> Providers { get; } = new(StringComparer.Ordinal);
    [JsonPropertyName("api_keys")] public Dictionary<string, ActivityKeyEntry> ApiKeys { get; } = new(StringComparer.Ordinal);

    public void Add(DailySpend row, KeyLabel key)
    {
        // LiteLLM leaves rows without a model out of the model breakdowns and files providers it cannot name as "unknown".
        if (row.Model.Length > 0)
            Add(Models, row.Model, row, key);
        var group = row.ModelGroup.Length > 0 ? row.ModelGroup : row.Model;
        if (group.Length > 0)
            Add(ModelGroups, group, row, key);
        Add(Providers, row.Provider.Length > 0 ? row.Provider : "unknown", row, key);
        KeyEntry(ApiKeys, row.KeyHash, key).Metrics.Add(row);
    }

    static void Add(Dictionary<string, ActivityEntry> entries, string name, DailySpend row, KeyLabel key)
    {
        if (!entries.TryGetValue(name, out var entry))
            entries[name] = entry = new ActivityEntry();
        entry.Metrics.Add(row);
        KeyEntry(entry.ApiKeyBreakdown, row.KeyHash, key).Metrics.Add(row);
    }

    static ActivityKeyEntry KeyEntry(Dictionary<string, ActivityKeyEntry> entries, string keyHash, KeyLabel key)
    {
        if (!entries.TryGetValue(keyHash, out var entry))
            entries[keyHash] = entry = new ActivityKeyEntry(key);
        return entry;
    }
}
