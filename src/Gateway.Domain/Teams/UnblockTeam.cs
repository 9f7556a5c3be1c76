namespace Gateway.Domain.Teams;

/// <summary>POST /team/unblock. Unblocking a team that is not blocked is accepted with no events.</summary>
public sealed record UnblockTeam(string TeamId)
{
    public static Decision Decide(UnblockTeam command, Team? team, string by, DateTimeOffset now)
    {
        if (team is null || team.Deleted)
            return TeamNotFound.For(command.TeamId);
        return team.Blocked ? Decision.Accept(new TeamUnblocked(team.TeamId, now, by)) : Decision.Accept();
    }
}
