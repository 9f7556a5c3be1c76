using Gateway.Domain.Teams;

namespace Gateway.Portal.Features.Teams;

/// <summary>A member as the member dialog sets them: who, their role, their budget within the team.</summary>
public sealed class MemberSettings
{
    public string UserId { get; set; } = "";
    public string Role { get; set; } = TeamRoles.User;

    /// <summary>How much this member's keys may spend through the team per team budget window; none: no limit of their own.</summary>
    public decimal? MaxBudgetInTeam { get; set; }
}
