namespace Gateway.Domain.Teams;

/// <summary>
/// POST /team/member_update: <c>{team_id, user_id, role?, max_budget_in_team?}</c>. A null property is "not sent"; a
/// <see cref="Change{T}"/> holding null clears the member's budget in the team (a role cannot be cleared).
/// </summary>
public sealed record UpdateTeamMember(
    string TeamId,
    string UserId,
    Change<string>? Role = null,
    Change<decimal?>? MaxBudgetInTeam = null)
{
    /// <returns>No events when the command changes nothing (fields sent with their current value included).</returns>
    public static Decision Decide(UpdateTeamMember command, Team? team, string by, DateTimeOffset now)
    {
        if (team is null || team.Deleted)
            return TeamNotFound.For(command.TeamId);
        if (team.Member(command.UserId) is not { } member)
            return Decision.Reject(
                RejectionKind.NotFound, $"User {command.UserId} is not a member of team {team.TeamId}.", "user_id");

        var refusal = FieldRules.First(
            command.Role is null || TeamRoles.IsKnown(command.Role.Value)
                ? null
                : Decision.Invalid("role", "role must be \"admin\" or \"user\"."),
            FieldRules.NotNegative(command.MaxBudgetInTeam.Or(null), "max_budget_in_team"));
        if (refusal is not null)
            return refusal;

        var updated = new TeamMemberUpdated(team.TeamId, member.UserId, now, by,
            command.Role.IfDifferent(member.Role),
            command.MaxBudgetInTeam.IfDifferent(member.MaxBudgetInTeam));
        return updated.Role is null && updated.MaxBudgetInTeam is null ? Decision.Accept() : Decision.Accept(updated);
    }
}
