namespace Gateway.Domain.Teams;

/// <summary>LiteLLM's member roles: a team admin manages the team's keys and members; a user only uses them.</summary>
public static class TeamRoles
{
    public const string Admin = "admin";
    public const string User = "user";

    public static bool IsKnown(string? role) => role is Admin or User;
}
