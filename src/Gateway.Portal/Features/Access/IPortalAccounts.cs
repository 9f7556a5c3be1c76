using System.Security.Claims;

namespace Gateway.Portal.Features.Access;

/// <summary>Signing in, knowing who is signed in, and accepting invitations.</summary>
public interface IPortalAccounts
{
    /// <summary>Checks a username (the admin's, a user id or email) and password; the principal to sign in, or why not.</summary>
    Task<SignInAttempt> SignInAsync(string username, string password, CancellationToken ct);

    /// <summary>Who the cookie names and what they may do now; null when they may no longer use the portal.</summary>
    Task<SignedInUser?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct);

    /// <summary>The open invitation with this token, if any (expired ones too, so the page can say so).</summary>
    Task<Invitation?> FindInvitationAsync(string token, CancellationToken ct);

    /// <summary>Sets the invited user's password; the user id.</summary>
    Task<PortalResult<string>> AcceptInvitationAsync(string token, string password, CancellationToken ct);
}

/// <summary>A sign-in that worked (<see cref="Principal"/>) or did not (<see cref="Problem"/>, said for a person).</summary>
public sealed record SignInAttempt(ClaimsPrincipal? Principal, string? Problem)
{
    public static SignInAttempt Failed(string problem) => new(null, problem);
}

public sealed record Invitation(string UserId, string? Email, DateTimeOffset ExpiresAt, bool Expired);
