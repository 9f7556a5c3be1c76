namespace Gateway.Domain.Users;

/// <summary>
/// An admin invites a user to the portal (or lets them reset a forgotten password): the caller makes a random token,
/// shows its link once and passes only the token's SHA-256 here. A new invitation replaces any earlier one.
/// </summary>
public sealed record InviteToPortal(string UserId, string TokenHash, TimeSpan ValidFor)
{
    public static Decision Decide(InviteToPortal command, PortalUser? user, string by, DateTimeOffset now)
    {
        if (user is null || user.Deleted)
            return UserNotFound.For(command.UserId);
        if (!Keys.KeyPlaintext.IsHash(command.TokenHash))
            return Decision.Invalid("token", "The invitation token must be given as its SHA-256, in lowercase hex.");
        if (command.ValidFor <= TimeSpan.Zero)
            return Decision.Invalid("valid_for", "An invitation must be valid for some time.");
        return Decision.Accept(new PortalInvitationIssued(user.UserId, command.TokenHash, now + command.ValidFor, now, by));
    }
}
