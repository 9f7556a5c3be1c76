using Gateway.Domain;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Tests.Fakes;

namespace Gateway.Portal.Tests.Features.Keys;

public sealed class KeyAccessTests
{
    private static readonly SignedInUser Admin = SignedInUser.Admin("admin");
    private static readonly SignedInUser Lead = SignedInUser.TeamLead("lena", ["search"]);

    [Fact]
    public void an_admin_manages_every_key()
    {
        Assert.Null(KeyAccess.MayManage(Admin, FakeKeysClient.Key("a", "ads").Key));
        Assert.Null(KeyAccess.MayManage(Admin, FakeKeysClient.Key("b", null).Key));
        Assert.Null(KeyAccess.MayAssign(Admin, null));
    }

    [Fact]
    public void a_team_lead_manages_only_keys_of_teams_they_lead()
    {
        Assert.Null(KeyAccess.MayManage(Lead, FakeKeysClient.Key("a", "search").Key));
        Assert.Equal(RejectionKind.Forbidden, KeyAccess.MayManage(Lead, FakeKeysClient.Key("b", "ads").Key)?.Kind);
        Assert.Equal(RejectionKind.Forbidden, KeyAccess.MayManage(Lead, FakeKeysClient.Key("c", null).Key)?.Kind);
    }

    [Fact]
    public void a_team_lead_gives_keys_only_to_teams_they_lead()
    {
        Assert.Null(KeyAccess.MayAssign(Lead, "search"));
        Assert.Equal(RejectionKind.Forbidden, KeyAccess.MayAssign(Lead, "ads")?.Kind);
        Assert.Equal(RejectionKind.Forbidden, KeyAccess.MayAssign(Lead, null)?.Kind);
    }

    [Fact]
    public void a_revoked_or_missing_key_is_not_found_for_anyone()
    {
        var revoked = FakeKeysClient.Key("a", "search").Key with { Revoked = true };

        Assert.Equal(RejectionKind.NotFound, KeyAccess.MayManage(Admin, revoked)?.Kind);
        Assert.Equal(RejectionKind.NotFound, KeyAccess.MayManage(Lead, null)?.Kind);
    }
}
