namespace Gateway.Domain.Users;

/// <summary>
/// The invited user sets their password with the invitation's token. The caller hashes the password (ASP.NET Core's
/// password hasher) and the token (SHA-256), finds the user by the token's hash and passes both hashes here.
/// </summary>
public sealed record AcceptPortalInvitation(string TokenHash, string PasswordHash)
{
    public static Decision Decide(AcceptPortalInvitation command, PortalUser? user, DateTimeOffset now)
    {
        // One answer for an unknown, used or replaced token: the link says nothing about who it was for.
        if (user is null || user.Deleted || user.InvitationTokenHash is null || user.InvitationTokenHash != command.TokenHash)
            return Decision.Reject(RejectionKind.NotFound, "This invitation link is not valid (it may have been used already). Ask an admin for a new one.", "token");
        if (user.InvitationExpiresAt is { } expires && now >= expires)
            return Decision.Reject(RejectionKind.Invalid, "This invitation link has expired. Ask an admin for a new one.", "token");
        if (string.IsNullOrWhiteSpace(command.PasswordHash))
            return Decision.Invalid("password", "A password is required.");
        return Decision.Accept(new PortalPasswordSet(user.UserId, command.PasswordHash, now, user.UserId));
    }
}
