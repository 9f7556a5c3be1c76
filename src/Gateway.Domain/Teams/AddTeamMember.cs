namespace Gateway.Domain.Teams;

/// <summary>POST /team/member_add: <c>{team_id, member: {role, user_id}, max_budget_in_team}</c>.</summary>
public sealed record AddTeamMember(string TeamId, string UserId, string Role, decimal? MaxBudgetInTeam = null)
{
    public static Decision Decide(AddTeamMember command, Team? team, string by, DateTimeOffset now)
    {
        if (team is null || team.Deleted)
            return TeamNotFound.For(command.TeamId);

        var refusal = FieldRules.First(
            FieldRules.Id(command.UserId, "member.user_id"),
            TeamRoles.IsKnown(command.Role)
                ? null
                : Decision.Invalid("member.role", "role must be \"admin\" or \"user\"."),
            FieldRules.NotNegative(command.MaxBudgetInTeam, "max_budget_in_team"));
        if (refusal is not null)
            return refusal;
        if (team.Member(command.UserId) is not null)
            return Decision.Reject(
                RejectionKind.Conflict,
                $"User {command.UserId} is already a member of team {team.TeamId}.",
                "member.user_id");

        return Decision.Accept(
            new TeamMemberAdded(team.TeamId, command.UserId, command.Role, command.MaxBudgetInTeam, now, by));
    }
}
