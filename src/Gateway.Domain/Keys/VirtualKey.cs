using System.Text.Json;
using Gateway.Domain.Budgets;

namespace Gateway.Domain.Keys;

/// <summary>
/// The write model of one virtual key (stream id = <see cref="Id"/>), folded from its events with Marten's
/// self-aggregating conventions: <see cref="Create"/> for the first event, an immutable <c>Apply</c> per later one.
/// A revoked key stays a value here (so its history can be read) but every decision treats it as not found.
/// </summary>
public sealed record VirtualKey
{
    public Guid Id { get; init; }
    public string KeyHash { get; init; } = "";
    public string KeyName { get; init; } = "";
    public string? KeyAlias { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
    public decimal? MaxBudget { get; init; }
    public decimal? SoftBudget { get; init; }
    public string? BudgetDuration { get; init; }

    /// <summary>Where the budget windows are counted from: issue time, or the last change of <see cref="BudgetDuration"/>.</summary>
    public DateTimeOffset BudgetWindowAnchor { get; init; }

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
    public bool Revoked { get; init; }
    public string? PreviousKeyHash { get; init; }

    /// <summary>Every hash this key had before its current one (oldest first): its calls under them are its spend too.</summary>
    public IReadOnlyList<string> RetiredKeyHashes { get; init; } = [];
    public DateTimeOffset? PreviousKeyValidUntil { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public string IssuedBy { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }
    public string UpdatedBy { get; init; } = "";
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }

    /// <summary>The key stops working at <see cref="ExpiresAt"/> itself: its life is [issued, expires).</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiresAt && now >= expiresAt;

    public bool IsActive(DateTimeOffset now) => !Revoked && !Blocked && !IsExpired(now);

    /// <summary>Whether a presented key's hash is this key's: the current secret, or the previous one in its grace period.</summary>
    public bool MatchesSecret(string keyHash, DateTimeOffset now) =>
        keyHash == KeyHash
        || (keyHash == PreviousKeyHash && PreviousKeyValidUntil is { } until && now < until);

    /// <summary>The budget window containing <paramref name="now"/>, or null when the budget never resets.</summary>
    public BudgetWindow? CurrentBudgetWindow(DateTimeOffset now) => BudgetWindow.Of(BudgetDuration, BudgetWindowAnchor, now);

    public static VirtualKey Create(KeyIssued e) => new()
    {
        Id = e.KeyId,
        KeyHash = e.KeyHash,
        KeyName = e.KeyName,
        KeyAlias = e.KeyAlias,
        Models = e.Models,
        Aliases = e.Aliases,
        MaxBudget = e.MaxBudget,
        SoftBudget = e.SoftBudget,
        BudgetDuration = e.BudgetDuration,
        BudgetWindowAnchor = e.At,
        ModelMaxBudget = e.ModelMaxBudget,
        TpmLimit = e.TpmLimit,
        RpmLimit = e.RpmLimit,
        MaxParallelRequests = e.MaxParallelRequests,
        ModelRpmLimit = e.ModelRpmLimit,
        ModelTpmLimit = e.ModelTpmLimit,
        ExpiresAt = e.ExpiresAt,
        Metadata = e.Metadata,
        TeamId = e.TeamId,
        UserId = e.UserId,
        OrganizationId = e.OrganizationId,
        Tags = e.Tags,
        KeyType = e.KeyType,
        Blocked = e.Blocked,
        IssuedAt = e.At,
        IssuedBy = e.By,
        UpdatedAt = e.At,
        UpdatedBy = e.By,
    };

    public VirtualKey Apply(KeyUpdated e) => this with
    {
        KeyAlias = e.KeyAlias is { } alias ? alias.Value : KeyAlias,
        Models = e.Models is { } models ? models.Value : Models,
        Aliases = e.Aliases is { } aliases ? aliases.Value : Aliases,
        MaxBudget = e.MaxBudget is { } maxBudget ? maxBudget.Value : MaxBudget,
        SoftBudget = e.SoftBudget is { } softBudget ? softBudget.Value : SoftBudget,
        BudgetDuration = e.BudgetDuration is { } duration ? duration.Value : BudgetDuration,
        BudgetWindowAnchor = e.BudgetDuration is null ? BudgetWindowAnchor : e.At,
        ModelMaxBudget = e.ModelMaxBudget is { } modelMaxBudget ? modelMaxBudget.Value : ModelMaxBudget,
        TpmLimit = e.TpmLimit is { } tpm ? tpm.Value : TpmLimit,
        RpmLimit = e.RpmLimit is { } rpm ? rpm.Value : RpmLimit,
        MaxParallelRequests = e.MaxParallelRequests is { } parallel ? parallel.Value : MaxParallelRequests,
        ModelRpmLimit = e.ModelRpmLimit is { } modelRpm ? modelRpm.Value : ModelRpmLimit,
        ModelTpmLimit = e.ModelTpmLimit is { } modelTpm ? modelTpm.Value : ModelTpmLimit,
        ExpiresAt = e.ExpiresAt is { } expiresAt ? expiresAt.Value : ExpiresAt,
        Metadata = e.Metadata is { } metadata ? metadata.Value : Metadata,
        TeamId = e.TeamId is { } teamId ? teamId.Value : TeamId,
        UserId = e.UserId is { } userId ? userId.Value : UserId,
        OrganizationId = e.OrganizationId is { } organizationId ? organizationId.Value : OrganizationId,
        Tags = e.Tags is { } tags ? tags.Value : Tags,
        UpdatedAt = e.At,
        UpdatedBy = e.By,
    };

    public VirtualKey Apply(KeyBlocked e) => this with { Blocked = true, UpdatedAt = e.At, UpdatedBy = e.By };

    public VirtualKey Apply(KeyUnblocked e) => this with { Blocked = false, UpdatedAt = e.At, UpdatedBy = e.By };

    public VirtualKey Apply(KeyRegenerated e) => this with
    {
        KeyHash = e.KeyHash,
        KeyName = e.KeyName,
        PreviousKeyHash = e.PreviousKeyHash,
        RetiredKeyHashes = [.. RetiredKeyHashes, KeyHash],
        PreviousKeyValidUntil = e.PreviousKeyValidUntil,
        UpdatedAt = e.At,
        UpdatedBy = e.By,
    };

    public VirtualKey Apply(KeyRevoked e) => this with
    {
        Revoked = true,
        RevokedAt = e.At,
        RevokedBy = e.By,
        UpdatedAt = e.At,
        UpdatedBy = e.By,
    };
}
