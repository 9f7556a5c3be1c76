namespace Gateway.Domain.Teams;

/// <summary>POST /team/member_delete: <c>{team_id, user_id}</c>.</summary>
public sealed record RemoveTeamMember(string TeamId, string UserId)
{
    public static Decision Decide(RemoveTeamMember command, Team? team, string by, DateTimeOffset now)
    {
        if (team is null || team.Deleted)
            return TeamNotFound.For(command.TeamId);
        if (team.Member(command.UserId) is null)
            return Decision.Reject(
                RejectionKind.NotFound, $"User {command.UserId} is not a member of team {team.TeamId}.", "user_id");

        return Decision.Accept(new TeamMemberRemoved(team.TeamId, command.UserId, now, by));
    }
}
