namespace Gateway.Domain.Teams;

/// <summary>One team of POST /team/delete <c>{team_ids: [...]}</c>; the API decides each id on its own stream.</summary>
public sealed record DeleteTeam(string TeamId)
{
    public static Decision Decide(DeleteTeam command, Team? team, string by, DateTimeOffset now) =>
        team is null || team.Deleted
            ? TeamNotFound.For(command.TeamId)
            : Decision.Accept(new TeamDeleted(team.TeamId, now, by));
}
