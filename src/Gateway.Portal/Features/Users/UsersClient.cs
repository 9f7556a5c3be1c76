using System.Buffers.Text;
using System.Security.Cryptography;
using Gateway.Domain;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;
using Gateway.Portal.Features.Access;
using Marten;

namespace Gateway.Portal.Features.Users;

/// <summary>
/// <see cref="IUsersClient"/> on the gateway's store. A portal user is a gateway user (<see cref="PortalUser"/>): an
/// admin has the <c>proxy_admin</c> role; a team lead is an <c>internal_user</c> made admin member of their teams.
/// Creating one decides <see cref="CreateUser"/>, <see cref="AddTeamMember"/> and <see cref="InviteToPortal"/> and
/// appends all of it in one transaction, or nothing.
/// </summary>
public sealed class UsersClient(IDocumentStore store, PortalOptions options, TimeProvider time) : IUsersClient
{
    const string AdminsOnly = "Only admins manage portal users.";

    public async Task<PortalResult<IReadOnlyList<PortalUserRow>>> ListAsync(SignedInUser who, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<IReadOnlyList<PortalUserRow>>.Forbidden(AdminsOnly);
        var users = await session.Query<PortalUser>().Where(u => !u.Deleted).OrderBy(u => u.UserId).ToListAsync(ct);
        var teams = await session.Query<Team>().Where(t => !t.Deleted).ToListAsync(ct);
        var now = time.GetUtcNow();
        var rows = users.Select(u => new PortalUserRow(
            u.UserId,
            u.Email,
            u.IsAdmin,
            [.. teams.Where(t => t.Member(u.UserId)?.Role == TeamRoles.Admin).Select(t => t.TeamId).Order(StringComparer.Ordinal)],
            u.PasswordHash is not null,
            u.InvitationExpiresAt > now ? u.InvitationExpiresAt : null)).ToList();
        return PortalResult<IReadOnlyList<PortalUserRow>>.Ok(rows);
    }

    public async Task<IReadOnlyList<string>> TeamIdsAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return [.. await session.Query<Team>().Where(t => !t.Deleted).OrderBy(t => t.TeamId).Select(t => t.TeamId).ToListAsync(ct)];
    }

    public async Task<PortalResult<InvitationLink>> CreateAsync(SignedInUser who, NewPortalUser user, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<InvitationLink>.Forbidden(AdminsOnly);

        var userId = user.UserId.Trim();
        var email = string.IsNullOrWhiteSpace(user.Email) ? null : user.Email.Trim();
        var teamIds = user.IsAdmin ? [] : user.Teams.Distinct().ToList();
        if (!user.IsAdmin && teamIds.Count == 0)
            return PortalResult<InvitationLink>.Refused(RejectionKind.Invalid, "Choose the teams this team lead leads.", "teams");
        var now = time.GetUtcNow();
        var stream = StreamIds.User(userId);
        var created = CreateUser.Decide(
            new CreateUser(userId, email, UserRole: user.IsAdmin ? UserRoles.ProxyAdmin : UserRoles.InternalUser, Teams: teamIds),
            await session.LoadAsync<PortalUser>(stream, ct), who.By, now);
        if (created.Rejection is { } refused)
            return PortalResult<InvitationLink>.Refused(refused);

        var memberships = new List<(Guid Stream, Decision Decision)>();
        foreach (var teamId in teamIds)
        {
            var team = await session.LoadAsync<Team>(StreamIds.Team(teamId), ct);
            var added = AddTeamMember.Decide(new AddTeamMember(teamId, userId, TeamRoles.Admin), team, who.By, now);
            if (added.Rejection is { } notAdded)
                return PortalResult<InvitationLink>.Refused(notAdded);
            memberships.Add((StreamIds.Team(teamId), added));
        }

        var token = NewToken();
        var userNow = PortalUser.Create((UserCreated)created.Events[0]);
        var invited = InviteToPortal.Decide(new InviteToPortal(userId, PortalAccounts.TokenHash(token), options.InvitationLifetime), userNow, who.By, now);
        if (invited.Rejection is { } notInvited)
            return PortalResult<InvitationLink>.Refused(notInvited);

        session.Events.StartStream<PortalUser>(stream, [.. created.Events, .. invited.Events]);
        foreach (var (teamStream, decision) in memberships)
            session.Events.Append(teamStream, [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return PortalResult<InvitationLink>.Ok(new InvitationLink(userId, token, ((PortalInvitationIssued)invited.Events[0]).ExpiresAt));
    }

    public async Task<PortalResult<InvitationLink>> InviteAsync(SignedInUser who, string userId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<InvitationLink>.Forbidden(AdminsOnly);
        var user = await session.LoadAsync<PortalUser>(StreamIds.User(userId), ct);
        var token = NewToken();
        var invited = InviteToPortal.Decide(new InviteToPortal(userId, PortalAccounts.TokenHash(token), options.InvitationLifetime), user, who.By, time.GetUtcNow());
        if (invited.Rejection is { } refused)
            return PortalResult<InvitationLink>.Refused(refused);
        session.Events.Append(user!.Id, [.. invited.Events]);
        await session.SaveChangesAsync(ct);
        return PortalResult<InvitationLink>.Ok(new InvitationLink(userId, token, ((PortalInvitationIssued)invited.Events[0]).ExpiresAt));
    }

    /// <summary>32 random bytes, URL-safe: the invitation's secret, which only its link carries.</summary>
    static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
