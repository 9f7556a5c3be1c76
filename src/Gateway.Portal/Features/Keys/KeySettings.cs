using Gateway.Domain.Keys;

namespace Gateway.Portal.Features.Keys;

/// <summary>What the issue and edit dialogs let a person set on a key. Empty text means "none".</summary>
public sealed class KeySettings
{
    public string? Alias { get; set; }
    public string? TeamId { get; set; }
    public string? UserId { get; set; }

    /// <summary>Model names separated by commas; none: every model the team allows.</summary>
    public string? Models { get; set; }

    public decimal? MaxBudget { get; set; }
    public decimal? SoftBudget { get; set; }

    /// <summary>How often the budget starts again ("30d", "1mo"); none: never.</summary>
    public string? BudgetDuration { get; set; }

    public long? TpmLimit { get; set; }
    public long? RpmLimit { get; set; }
    public int? MaxParallelRequests { get; set; }

    /// <summary>How long a new key lives ("30d"); none: until revoked. Only when issuing.</summary>
    public string? Duration { get; set; }

    public IReadOnlyList<string> ModelList =>
        (Models ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static KeySettings From(VirtualKey key) => new()
    {
        Alias = key.KeyAlias,
        TeamId = key.TeamId,
        UserId = key.UserId,
        Models = string.Join(", ", key.Models),
        MaxBudget = key.MaxBudget,
        SoftBudget = key.SoftBudget,
        BudgetDuration = key.BudgetDuration,
        TpmLimit = key.TpmLimit,
        RpmLimit = key.RpmLimit,
        MaxParallelRequests = key.MaxParallelRequests,
    };
}
