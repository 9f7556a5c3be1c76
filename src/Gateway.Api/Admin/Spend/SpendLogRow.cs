using Gateway.Domain.Spend;

namespace Gateway.Api.Admin.Spend;

/// <summary>
/// A <see cref="SpendLog"/> in the shape of a row of LiteLLM's <c>LiteLLM_SpendLogs</c>: <c>api_key</c> is the key's
/// hash, <c>user</c> the key's user_id, <c>end_user</c> the customer the request named. LiteLLM writes "" for an
/// unknown string; so does this. Prompts and responses are never stored, so there are no <c>messages</c>/<c>response</c>.
/// </summary>
internal static class SpendLogRow
{
    public static Dictionary<string, object?> Of(SpendLog log)
    {
        var metadata = new Dictionary<string, object?>
        {
            ["user_api_key"] = log.KeyHash,
            ["user_api_key_team_id"] = log.TeamId,
            ["user_api_key_user_id"] = log.UserId,
            ["user_api_key_end_user_id"] = log.EndUser,
            ["status"] = log.Status,
            ["http_status"] = log.HttpStatus,
            ["stream"] = log.Stream,
            ["response_duration_ms"] = log.LatencyMs,
            ["usage_object"] = new Dictionary<string, object>
            {
                ["prompt_tokens"] = log.PromptTokens,
                ["completion_tokens"] = log.CompletionTokens,
                ["total_tokens"] = log.TotalTokens,
                ["prompt_tokens_details"] = new Dictionary<string, int>
                {
                    ["cached_tokens"] = log.CachedTokens,
                    ["cache_creation_tokens"] = log.CacheCreationTokens,
                },
                ["completion_tokens_details"] = new Dictionary<string, int> { ["reasoning_tokens"] = log.ReasoningTokens },
            },
        };
        if (log.Status == SpendLog.Failure)
        {
            metadata["error_information"] = new Dictionary<string, object?>
            {
                ["error_code"] = log.HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["error_class"] = log.ErrorType,
                ["error_message"] = log.ErrorMessage,
            };
        }

        return new Dictionary<string, object?>
        {
            ["request_id"] = log.Id.ToString(),
            ["call_type"] = log.CallType,
            ["api_key"] = log.KeyHash,
            ["spend"] = log.Spend,
            ["total_tokens"] = log.TotalTokens,
            ["prompt_tokens"] = log.PromptTokens,
            ["completion_tokens"] = log.CompletionTokens,
            ["startTime"] = log.StartTime,
            ["endTime"] = log.EndTime,
            ["completionStartTime"] = log.CompletionStartTime ?? log.EndTime,
            ["model"] = log.Model,
            ["model_id"] = log.ModelId ?? "",
            ["model_group"] = log.ModelGroup ?? "",
            ["custom_llm_provider"] = log.Provider ?? "",
            ["api_base"] = log.ApiBase ?? "",
            ["user"] = log.UserId ?? "",
            ["team_id"] = log.TeamId,
            ["end_user"] = log.EndUser ?? "",
            ["metadata"] = metadata,
            ["cache_hit"] = "False",
            ["cache_key"] = "",
            ["request_tags"] = Array.Empty<string>(),
            ["status"] = log.Status,
        };
    }
}
