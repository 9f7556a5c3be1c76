using Gateway.Domain.Keys;

namespace Gateway.Api.Admin.Keys;

/// <summary>A key in LiteLLM's JSON shape; <c>token</c> is the SHA-256 hash, never the key.</summary>
public static class KeyView
{
    public static Dictionary<string, object?> Info(VirtualKey key) => new()
    {
        ["token"] = key.KeyHash,
        ["key_name"] = key.KeyName,
        ["key_alias"] = key.KeyAlias,
        ["models"] = key.Models,
        ["max_budget"] = key.MaxBudget,
        ["soft_budget"] = key.SoftBudget,
        ["budget_duration"] = key.BudgetDuration,
        ["tpm_limit"] = key.TpmLimit,
        ["rpm_limit"] = key.RpmLimit,
        ["max_parallel_requests"] = key.MaxParallelRequests,
        ["model_max_budget"] = key.ModelMaxBudget,
        ["model_rpm_limit"] = key.ModelRpmLimit,
        ["model_tpm_limit"] = key.ModelTpmLimit,
        ["expires"] = key.ExpiresAt,
        ["metadata"] = key.Metadata,
        ["team_id"] = key.TeamId,
        ["user_id"] = key.UserId,
        ["tags"] = key.Tags,
        ["blocked"] = key.Blocked,
        ["created_at"] = key.IssuedAt,
        ["updated_at"] = key.UpdatedAt,
    };

    public static Dictionary<string, object?> Generated(string plaintext, VirtualKey key)
    {
        var view = Info(key);
        view["key"] = plaintext;
        view["token_id"] = key.KeyHash;
        return view;
    }
}
