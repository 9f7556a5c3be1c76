using System.Security.Claims;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Domain.Users;
using Marten;
using Microsoft.AspNetCore.Identity;

namespace Gateway.Portal.Features.Access;

/// <summary>
/// Portal users are the gateway's users (<see cref="PortalUser"/>, LiteLLM's internal users): <c>proxy_admin</c> is a
/// portal admin; any other user who is an admin member of a team is that team's lead. Passwords are ASP.NET Core's
/// salted hashes on the user's stream (<see cref="PortalPasswordSet"/>), set through a one-time invitation.
/// </summary>
public sealed class PortalAccounts(IDocumentStore store, PortalOptions options, IPasswordHasher<PortalUser> hasher, TimeProvider time)
    : IPortalAccounts
{
    const string WrongCredentials = "The username or password is not right.";

    // Verified against when there is no such user. The default hasher never reads the user it is given.
    static readonly Lazy<string> NoUserHash = new(() => new PasswordHasher<PortalUser>().HashPassword(null!, "no such user"));

    public async Task<SignInAttempt> SignInAsync(string username, string password, CancellationToken ct)
    {
        username = username.Trim();
        if (options.Admin.Matches(username, password))
            return new SignInAttempt(PortalClaims.ForAdmin(options.Admin), null);

        await using var session = store.QuerySession();
        var user = await FindUserAsync(session, username, ct);
        if (user is null || user.PasswordHash is null)
        {
            // Spend the time a real check would, so the answer's speed does not tell which usernames exist.
            hasher.VerifyHashedPassword(null!, NoUserHash.Value, password);
            return SignInAttempt.Failed(WrongCredentials);
        }
        if (hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
            return SignInAttempt.Failed(WrongCredentials);
        if (await PortalRights.OfAsync(session, user, ct) is null)
            return SignInAttempt.Failed("Your account does not lead any team, so the portal has nothing for you yet. Ask an admin to make you a team admin.");
        return new SignInAttempt(PortalClaims.ForUser(user.UserId, PortalClaims.StampOf(user.PasswordHash)), null);
    }

    public async Task<SignedInUser?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (principal.Identity is not { IsAuthenticated: true, Name: { } name })
            return null;
        var stamp = principal.FindFirstValue(PortalClaims.Stamp);
        var userId = principal.FindFirstValue(PortalClaims.UserId);
        if (userId is null)
            return name == options.Admin.Username && stamp == options.Admin.Stamp ? SignedInUser.Admin(name) : null;

        await using var session = store.QuerySession();
        var user = await session.LoadAsync<PortalUser>(StreamIds.User(userId), ct);
        if (user is null || user.PasswordHash is null || PortalClaims.StampOf(user.PasswordHash) != stamp)
            return null;
        return await PortalRights.OfAsync(session, user, ct);
    }

    public async Task<Invitation?> FindInvitationAsync(string token, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var user = await InvitedAsync(session, token, ct);
        return user is null
            ? null
            : new Invitation(user.UserId, user.Email, user.InvitationExpiresAt!.Value, time.GetUtcNow() >= user.InvitationExpiresAt);
    }

    public async Task<PortalResult<string>> AcceptInvitationAsync(string token, string password, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var user = await InvitedAsync(session, token, ct);
        var decision = AcceptPortalInvitation.Decide(
            new AcceptPortalInvitation(TokenHash(token), user is null ? "" : hasher.HashPassword(user, password)), user, time.GetUtcNow());
        if (decision.Rejection is { } refusal)
            return PortalResult<string>.Refused(refusal);
        session.Events.Append(user!.Id, [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return PortalResult<string>.Ok(user.UserId);
    }

    /// <summary>Invitation tokens are stored as their SHA-256, like keys.</summary>
    public static string TokenHash(string token) => KeyPlaintext.Hash(token);

    static async Task<PortalUser?> InvitedAsync(IQuerySession session, string token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token))
            return null;
        var hash = TokenHash(token);
        var found = await session.Query<PortalUser>().Where(u => u.InvitationTokenHash == hash && !u.Deleted).ToListAsync(ct);
        return found.Count == 1 ? found[0] : null;
    }

    static async Task<PortalUser?> FindUserAsync(IQuerySession session, string username, CancellationToken ct)
    {
        if (username.Length == 0)
            return null;
        var byId = await session.LoadAsync<PortalUser>(StreamIds.User(username), ct);
        if (byId is { Deleted: false })
            return byId;
        if (!username.Contains('@'))
            return null;
        var byEmail = await session.Query<PortalUser>().Where(u => u.Email == username && !u.Deleted).ToListAsync(ct);
        return byEmail.Count == 1 ? byEmail[0] : null;
    }
}
