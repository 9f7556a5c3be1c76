using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Users;

/// <summary>Portal users, for admins only: who may sign in, as what, and their invitation links.</summary>
public interface IUsersClient
{
    Task<PortalResult<IReadOnlyList<PortalUserRow>>> ListAsync(SignedInUser who, CancellationToken ct);

    /// <summary>Every team's id, for choosing which teams a new team lead leads.</summary>
    Task<IReadOnlyList<string>> TeamIdsAsync(CancellationToken ct);

    /// <summary>Creates the user (an admin, or the admin member of the chosen teams) and their first invitation.</summary>
    Task<PortalResult<InvitationLink>> CreateAsync(SignedInUser who, NewPortalUser user, CancellationToken ct);

    /// <summary>A new invitation for an existing user (also how a forgotten password is reset); the older link stops working.</summary>
    Task<PortalResult<InvitationLink>> InviteAsync(SignedInUser who, string userId, CancellationToken ct);
}

public sealed record PortalUserRow(
    string UserId,
    string? Email,
    bool IsAdmin,
    IReadOnlyList<string> TeamsLed,
    bool HasPassword,
    DateTimeOffset? InvitationOpenUntil)
{
    public string Role => IsAdmin ? "Admin" : TeamsLed.Count > 0 ? "Team lead of " + string.Join(", ", TeamsLed) : "No portal role";
}

/// <summary>The one-time token of an invitation; the link is the portal's address plus <see cref="Path"/>.</summary>
public sealed record InvitationLink(string UserId, string Token, DateTimeOffset ExpiresAt)
{
    public string Path => $"{Components.SignInPaths.Invitation}/{Token}";

    public override string ToString() => $"InvitationLink {{ UserId = {UserId}, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>What the admin fills in to add a portal user.</summary>
public sealed class NewPortalUser
{
    public string UserId { get; set; } = "";
    public string? Email { get; set; }
    public bool IsAdmin { get; set; }
    public IReadOnlyCollection<string> Teams { get; set; } = [];
}
