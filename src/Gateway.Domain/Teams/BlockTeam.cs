namespace Gateway.Domain.Teams;

/// <summary>POST /team/block. Blocking a blocked team is accepted with no events, so retries are harmless.</summary>
public sealed record BlockTeam(string TeamId)
{
    public static Decision Decide(BlockTeam command, Team? team, string by, DateTimeOffset now)
    {
        if (team is null || team.Deleted)
            return TeamNotFound.For(command.TeamId);
        return team.Blocked ? Decision.Accept() : Decision.Accept(new TeamBlocked(team.TeamId, now, by));
    }
}
