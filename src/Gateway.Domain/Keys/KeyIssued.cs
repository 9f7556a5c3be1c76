using System.Text.Json;

namespace Gateway.Domain.Keys;

/// <summary>
/// A virtual key came into being. Carries only the SHA-256 of the plaintext (<see cref="KeyHash"/>) and its
/// display name "sk-...abcd"; the plaintext itself is never stored. Durations are canonical text ("30d", "1mo");
/// <see cref="ExpiresAt"/> is already resolved from the request's <c>duration</c>. Empty collections mean
/// "none set" (for <see cref="Models"/>: every model the team allows, as in LiteLLM).
/// </summary>
public sealed record KeyIssued(Guid KeyId, string KeyHash, string KeyName, DateTimeOffset At, string By)
{
    public string? KeyAlias { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
    public decimal? MaxBudget { get; init; }
    public decimal? SoftBudget { get; init; }
    public string? BudgetDuration { get; init; }
    public IReadOnlyDictionary<string, ModelBudget> ModelMaxBudget { get; init; } = new Dictionary<string, ModelBudget>();
    public long? TpmLimit { get; init; }
    public long? RpmLimit { get; init; }
    public int? MaxParallelRequests { get; init; }
    public IReadOnlyDictionary<string, long> ModelRpmLimit { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> ModelTpmLimit { get; init; } = new Dictionary<string, long>();
    public DateTimeOffset? ExpiresAt { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; init; } = new Dictionary<string, JsonElement>();
    public string? TeamId { get; init; }
    public string? UserId { get; init; }
    public string? OrganizationId { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? KeyType { get; init; }
    public bool Blocked { get; init; }
}
