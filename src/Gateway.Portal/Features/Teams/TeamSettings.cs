using Gateway.Domain.Teams;

namespace Gateway.Portal.Features.Teams;

/// <summary>What the team dialog lets an admin set. Empty text means "none".</summary>
public sealed class TeamSettings
{
    /// <summary>Only when creating; blank: a generated id.</summary>
    public string? TeamId { get; set; }

    public string? Alias { get; set; }

    /// <summary>Model names separated by commas; none: every model.</summary>
    public string? Models { get; set; }

    public decimal? MaxBudget { get; set; }
    public decimal? SoftBudget { get; set; }

    /// <summary>How often the budget starts again ("30d", "1mo"); none: never.</summary>
    public string? BudgetDuration { get; set; }

    public long? TpmLimit { get; set; }
    public long? RpmLimit { get; set; }
    public long? MaxParallelRequests { get; set; }

    public IReadOnlyList<string> ModelList =>
        (Models ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static TeamSettings From(Team team) => new()
    {
        TeamId = team.TeamId,
        Alias = team.Alias,
        Models = string.Join(", ", team.Models),
        MaxBudget = team.MaxBudget,
        SoftBudget = team.SoftBudget,
        BudgetDuration = team.BudgetDuration,
        TpmLimit = team.TpmLimit,
        RpmLimit = team.RpmLimit,
        MaxParallelRequests = team.MaxParallelRequests,
    };
}
