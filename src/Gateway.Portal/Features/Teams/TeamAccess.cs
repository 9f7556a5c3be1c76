using Gateway.Domain;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Teams;

/// <summary>
/// Who may do what to a team. Admins: everything. A team lead (an admin member of the team, LiteLLM's team admin): see
/// the team, add and remove its members, set their roles and budgets in the team — but not change the team's own budget,
/// models or limits, nor block, delete or create teams: as in LiteLLM, those are the proxy admin's. A lead may not
/// remove or demote themselves either (they would lose the team mid-action; another lead or an admin can).
/// </summary>
public static class TeamAccess
{
    public const string SettingsAdminsOnly =
        "Only admins change a team's budget, models and limits, or block, delete and create teams. "
        + "As a team lead you manage the team's members, their budgets in the team, and its keys.";

    public static Rejection? MaySee(SignedInUser who, Team? team, string teamId)
    {
        if (team is null || team.Deleted)
            return new Rejection(RejectionKind.NotFound, $"There is no team {teamId} (it may have been deleted).");
        return who.MayManageTeam(team.TeamId)
            ? null
            : new Rejection(RejectionKind.Forbidden, $"You do not lead team {team.TeamId}, so you cannot see or change it.");
    }

    public static Rejection? MayChangeSettings(SignedInUser who) =>
        who.IsAdmin ? null : new Rejection(RejectionKind.Forbidden, SettingsAdminsOnly);

    /// <summary>Whether <paramref name="who"/> may remove <paramref name="userId"/> or change their role.</summary>
    public static Rejection? MayChangeMembership(SignedInUser who, string userId) =>
        !who.IsAdmin && userId == who.UserId
            ? new Rejection(RejectionKind.Forbidden,
                "You cannot remove yourself from the team or change your own role: you would lose the team. Ask an admin or another lead.")
            : null;
}
