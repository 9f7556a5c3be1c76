using Gateway.Domain;
using Gateway.Domain.Users;
using Marten;

namespace Gateway.Portal.Features.Access;

/// <summary>
/// What a portal user may do, read from the store at the moment of asking. Every client calls this before it reads or
/// changes anything, so a circuit opened before a user was deleted, demoted or removed from a team cannot act on the
/// rights it had then.
/// </summary>
public static class PortalRights
{
    public const string NoLongerAllowed = "Your account can no longer use the portal. Sign out and ask an admin.";

    /// <summary>The user's rights now; null when they may no longer use the portal.</summary>
    public static async Task<SignedInUser?> NowAsync(IQuerySession session, SignedInUser who, CancellationToken ct)
    {
        // The built-in admin's rights come from configuration, which does not change while the gateway runs.
        if (who.UserId is null)
            return who;
        var user = await session.LoadAsync<PortalUser>(StreamIds.User(who.UserId), ct);
        return user is null || user.PasswordHash is null ? null : await OfAsync(session, user, ct);
    }

    /// <summary>An admin when the user is a <c>proxy_admin</c>; otherwise the lead of the teams they are an admin member of.</summary>
    public static async Task<SignedInUser?> OfAsync(IQuerySession session, PortalUser user, CancellationToken ct)
    {
        if (user.Deleted)
            return null;
        if (user.IsAdmin)
            return SignedInUser.Admin(user.UserId, user.UserId);
        var teams = await TeamLeadership.TeamsLedByAsync(session, user.UserId, ct);
        return teams.Count == 0 ? null : SignedInUser.TeamLead(user.UserId, teams);
    }
}
