using System.Text.Json;

namespace Gateway.Domain.Keys;

/// <summary>
/// <c>/key/generate</c>. The caller makes the plaintext (<see cref="KeyPlaintext.Generate"/>, or checks a custom
/// <c>key</c> with <see cref="KeyPlaintext.Validate"/>) and passes only its hash and name, so no secret reaches an
/// event. Null means "not given". Whether the hash or alias is already taken spans streams; the caller checks it.
/// </summary>
public sealed record IssueKey(Guid KeyId, string KeyHash, string KeyName, string By)
{
    public string? KeyAlias { get; init; }

    /// <summary>How long the key lives ("30d"); null: it never expires.</summary>
    public string? Duration { get; init; }

    public IReadOnlyList<string>? Models { get; init; }
    public IReadOnlyDictionary<string, string>? Aliases { get; init; }
    public decimal? MaxBudget { get; init; }
    public decimal? SoftBudget { get; init; }
    public string? BudgetDuration { get; init; }
    public IReadOnlyDictionary<string, ModelBudget>? ModelMaxBudget { get; init; }
    public long? TpmLimit { get; init; }
    public long? RpmLimit { get; init; }
    public int? MaxParallelRequests { get; init; }
    public IReadOnlyDictionary<string, long>? ModelRpmLimit { get; init; }
    public IReadOnlyDictionary<string, long>? ModelTpmLimit { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }
    public string? TeamId { get; init; }
    public string? UserId { get; init; }
    public string? OrganizationId { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public string? KeyType { get; init; }
    public bool Blocked { get; init; }

    public static Decision Decide(IssueKey command, DateTimeOffset now)
    {
        var problem =
            KeyRules.KeyHash(command.KeyHash, "key")
            ?? KeyRules.Alias(command.KeyAlias)
            ?? KeyRules.Duration(command.Duration, "duration")
            ?? KeyRules.Names(command.Models, "models")
            ?? KeyRules.NotNegative(command.MaxBudget, "max_budget")
            ?? KeyRules.NotNegative(command.SoftBudget, "soft_budget")
            ?? KeyRules.SoftWithinMax(command.SoftBudget, command.MaxBudget)
            ?? KeyRules.Duration(command.BudgetDuration, "budget_duration")
            ?? KeyRules.ModelBudgets(command.ModelMaxBudget)
            ?? KeyRules.NotNegative(command.TpmLimit, "tpm_limit")
            ?? KeyRules.NotNegative(command.RpmLimit, "rpm_limit")
            ?? KeyRules.NotNegative(command.MaxParallelRequests, "max_parallel_requests")
            ?? KeyRules.ModelLimits(command.ModelRpmLimit, "model_rpm_limit")
            ?? KeyRules.ModelLimits(command.ModelTpmLimit, "model_tpm_limit")
            ?? KeyRules.Names(command.Tags, "tags")
            ?? KeyRules.Aliases(command.Aliases)
            ?? KeyRules.Name(command.TeamId, "team_id")
            ?? KeyRules.Name(command.UserId, "user_id")
            ?? KeyRules.Name(command.OrganizationId, "organization_id")
            ?? KeyRules.Name(command.KeyType, "key_type");
        if (problem is not null)
            return problem.ToDecision();

        return Decision.Accept(new KeyIssued(command.KeyId, command.KeyHash, command.KeyName, now, command.By)
        {
            KeyAlias = command.KeyAlias,
            Models = command.Models ?? [],
            Aliases = command.Aliases ?? new Dictionary<string, string>(),
            MaxBudget = command.MaxBudget,
            SoftBudget = command.SoftBudget,
            BudgetDuration = KeyRules.Canonical(command.BudgetDuration),
            ModelMaxBudget = KeyRules.Canonical(command.ModelMaxBudget),
            TpmLimit = command.TpmLimit,
            RpmLimit = command.RpmLimit,
            MaxParallelRequests = command.MaxParallelRequests,
            ModelRpmLimit = command.ModelRpmLimit ?? new Dictionary<string, long>(),
            ModelTpmLimit = command.ModelTpmLimit ?? new Dictionary<string, long>(),
            ExpiresAt = KeyRules.ExpiryFrom(command.Duration, now),
            Metadata = command.Metadata ?? new Dictionary<string, JsonElement>(),
            TeamId = command.TeamId,
            UserId = command.UserId,
            OrganizationId = command.OrganizationId,
            Tags = command.Tags ?? [],
            KeyType = command.KeyType,
            Blocked = command.Blocked,
        });
    }
}
