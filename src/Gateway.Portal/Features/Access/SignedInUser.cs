namespace Gateway.Portal.Features.Access;

/// <summary>
/// Who is using the portal and what they may touch, as the store says now (not as their cookie said at sign-in):
/// an admin may do everything; a team lead only what belongs to the teams where they are an admin member.
/// </summary>
/// <param name="Name">What the portal calls them (the admin's username, or the user's id).</param>
/// <param name="UserId">The user's id; null for the built-in admin.</param>
public sealed record SignedInUser(string Name, string? UserId, bool IsAdmin, IReadOnlySet<string> TeamIds)
{
    public static SignedInUser Admin(string name, string? userId = null) =>
        new(name, userId, IsAdmin: true, new HashSet<string>(StringComparer.Ordinal));

    public static SignedInUser TeamLead(string userId, IEnumerable<string> teamIds) =>
        new(userId, userId, IsAdmin: false, new HashSet<string>(teamIds, StringComparer.Ordinal));

    /// <summary>The <c>By</c> of the events this user's changes record.</summary>
    public string By => PortalBy.Prefix + (UserId ?? Name);

    public string RoleName => IsAdmin ? "Admin" : "Team lead";

    /// <summary>Whether they may see and change what belongs to <paramref name="teamId"/> (a key without a team: admins only).</summary>
    public bool MayManageTeam(string? teamId) => IsAdmin || (teamId is not null && TeamIds.Contains(teamId));
}
