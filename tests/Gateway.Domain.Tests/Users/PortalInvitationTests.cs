using Gateway.Domain.Keys;
using Gateway.Domain.Tests.Teams;
using Gateway.Domain.Users;
using static Gateway.Domain.Tests.Users.UserExamples;

namespace Gateway.Domain.Tests.Users;

public class PortalInvitationTests
{
    static readonly string Token = KeyPlaintext.Hash("invitation-token");
    const string PasswordHash = "AQAAAAIAAYagAAAAE...salted";

    static PortalUser Invited(string token, DateTimeOffset at, TimeSpan validFor)
    {
        var issued = DecisionAssert.SingleEvent<PortalInvitationIssued>(
            InviteToPortal.Decide(new InviteToPortal("alice", token, validFor), AUser(), Admin, at));
        return AUser().Apply(issued);
    }

    [Fact]
    public void an_admin_invites_an_existing_user_with_a_token_hash_that_expires()
    {
        var issued = DecisionAssert.SingleEvent<PortalInvitationIssued>(
            InviteToPortal.Decide(new InviteToPortal("alice", Token, TimeSpan.FromDays(7)), AUser(), Admin, Now));

        Assert.Equal("alice", issued.UserId);
        Assert.Equal(Token, issued.TokenHash);
        Assert.Equal(Now.AddDays(7), issued.ExpiresAt);
        Assert.Equal(Admin, issued.By);
    }

    [Fact]
    public void an_invitation_needs_a_user_that_exists()
    {
        DecisionAssert.Refused(InviteToPortal.Decide(new InviteToPortal("ghost", Token, TimeSpan.FromDays(1)), null, Admin, Now),
            RejectionKind.NotFound, "user_id");
        var deleted = AUser().Apply(new UserDeleted("alice", Now, Admin));
        DecisionAssert.Refused(InviteToPortal.Decide(new InviteToPortal("alice", Token, TimeSpan.FromDays(1)), deleted, Admin, Now),
            RejectionKind.NotFound, "user_id");
    }

    [Fact]
    public void an_invitation_never_carries_the_token_itself()
    {
        DecisionAssert.Refused(InviteToPortal.Decide(new InviteToPortal("alice", "invitation-token", TimeSpan.FromDays(1)), AUser(), Admin, Now),
            RejectionKind.Invalid, "token");
    }

    [Fact]
    public void accepting_the_invitation_sets_the_password_hash_and_uses_the_invitation_up()
    {
        var user = Invited(Token, Now, TimeSpan.FromDays(7));

        var set = DecisionAssert.SingleEvent<PortalPasswordSet>(
            AcceptPortalInvitation.Decide(new AcceptPortalInvitation(Token, PasswordHash), user, Now.AddDays(1)));
        var after = user.Apply(set);

        Assert.Equal(PasswordHash, after.PasswordHash);
        Assert.Equal("alice", set.By);
        Assert.Null(after.InvitationTokenHash);
        DecisionAssert.Refused(AcceptPortalInvitation.Decide(new AcceptPortalInvitation(Token, "another"), after, Now.AddDays(1)),
            RejectionKind.NotFound, "token");
    }

    [Fact]
    public void an_expired_invitation_is_refused()
    {
        var user = Invited(Token, Now, TimeSpan.FromDays(7));

        DecisionAssert.Refused(AcceptPortalInvitation.Decide(new AcceptPortalInvitation(Token, PasswordHash), user, Now.AddDays(7)),
            RejectionKind.Invalid, "token");
    }

    [Fact]
    public void a_newer_invitation_replaces_the_older_one()
    {
        var newer = KeyPlaintext.Hash("newer-token");
        var user = Invited(Token, Now, TimeSpan.FromDays(7))
            .Apply(new PortalInvitationIssued("alice", newer, Now.AddDays(8), Now.AddDays(1), Admin));

        DecisionAssert.Refused(AcceptPortalInvitation.Decide(new AcceptPortalInvitation(Token, PasswordHash), user, Now.AddDays(2)),
            RejectionKind.NotFound, "token");
        DecisionAssert.SingleEvent<PortalPasswordSet>(
            AcceptPortalInvitation.Decide(new AcceptPortalInvitation(newer, PasswordHash), user, Now.AddDays(2)));
    }

    [Fact]
    public void a_deleted_user_cannot_accept_an_open_invitation()
    {
        var user = Invited(Token, Now, TimeSpan.FromDays(7)).Apply(new UserDeleted("alice", Now, Admin));

        DecisionAssert.Refused(AcceptPortalInvitation.Decide(new AcceptPortalInvitation(Token, PasswordHash), user, Now),
            RejectionKind.NotFound, "token");
    }
}
