using Gateway.Domain.Keys;
using static Gateway.Domain.Tests.Keys.Given;

namespace Gateway.Domain.Tests.Keys;

public class BlockKeyTests
{
    [Fact]
    public void blocking_an_active_key_records_who_blocked_it_and_when()
    {
        var blocked = Single<KeyBlocked>(BlockKey.Decide(new BlockKey(KeyId, Admin), Key(), Later));

        Assert.Equal(new KeyBlocked(KeyId, Later, Admin), blocked);
    }

    [Fact]
    public void blocking_a_blocked_key_is_accepted_with_no_events()
    {
        var decision = BlockKey.Decide(new BlockKey(KeyId, Admin), Key(issued => issued with { Blocked = true }), Later);

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void blocking_an_unknown_key_is_not_found()
    {
        Rejected(BlockKey.Decide(new BlockKey(KeyId, Admin), null, Later), RejectionKind.NotFound, "key");
    }

    [Fact]
    public void blocking_a_revoked_key_is_not_found()
    {
        var revoked = Key().Apply(new KeyRevoked(KeyId, IssuedAt, Admin));

        Rejected(BlockKey.Decide(new BlockKey(KeyId, Admin), revoked, Later), RejectionKind.NotFound, "key");
    }
}
