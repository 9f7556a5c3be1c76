namespace Gateway.Domain.Teams;

/// <summary>The one refusal for a team that never existed or was deleted; LiteLLM does not tell the two apart.</summary>
internal static class TeamNotFound
{
    public static Decision For(string teamId) =>
        Decision.Reject(RejectionKind.NotFound, $"Team {teamId} does not exist.", "team_id");
}
