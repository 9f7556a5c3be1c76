namespace Gateway.Domain.Users;

// Sign-in to the portal, on the user's own stream. Neither event carries a secret: the invitation holds the
// SHA-256 of its one-time token, and the password event holds ASP.NET Core's salted password hash.

/// <summary>An admin invited the user to set a portal password; the link works once, until <see cref="ExpiresAt"/>.</summary>
public sealed record PortalInvitationIssued(string UserId, string TokenHash, DateTimeOffset ExpiresAt, DateTimeOffset At, string By);

/// <summary>The user set their portal password through an invitation; that invitation is used up.</summary>
public sealed record PortalPasswordSet(string UserId, string PasswordHash, DateTimeOffset At, string By);
