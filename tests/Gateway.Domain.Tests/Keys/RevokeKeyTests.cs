using Gateway.Domain.Keys;
using static Gateway.Domain.Tests.Keys.Given;

namespace Gateway.Domain.Tests.Keys;

public class RevokeKeyTests
{
    [Fact]
    public void revoking_a_key_records_who_revoked_it_and_when()
    {
        var revoked = Single<KeyRevoked>(RevokeKey.Decide(new RevokeKey(KeyId, Admin), Key(), Later));

        Assert.Equal(new KeyRevoked(KeyId, Later, Admin), revoked);
    }

    [Fact]
    public void a_blocked_or_expired_key_can_still_be_revoked()
    {
        var blockedAndExpired = Key(issued => issued with { Blocked = true, ExpiresAt = IssuedAt.AddMinutes(1) });

        Single<KeyRevoked>(RevokeKey.Decide(new RevokeKey(KeyId, Admin), blockedAndExpired, Later));
    }

    [Fact]
    public void revoking_a_revoked_key_is_not_found()
    {
        var revoked = Key().Apply(new KeyRevoked(KeyId, IssuedAt, Admin));

        Rejected(RevokeKey.Decide(new RevokeKey(KeyId, Admin), revoked, Later), RejectionKind.NotFound, "key");
    }

    [Fact]
    public void revoking_an_unknown_key_is_not_found()
    {
        Rejected(RevokeKey.Decide(new RevokeKey(KeyId, Admin), null, Later), RejectionKind.NotFound, "key");
    }
}
