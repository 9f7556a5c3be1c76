using Gateway.Domain.Keys;
using static Gateway.Domain.Tests.Keys.Given;

namespace Gateway.Domain.Tests.Keys;

public class UnblockKeyTests
{
    [Fact]
    public void unblocking_a_blocked_key_records_who_unblocked_it_and_when()
    {
        var unblocked = Single<KeyUnblocked>(
            UnblockKey.Decide(new UnblockKey(KeyId, Admin), Key(issued => issued with { Blocked = true }), Later));

        Assert.Equal(new KeyUnblocked(KeyId, Later, Admin), unblocked);
    }

    [Fact]
    public void unblocking_a_key_that_is_not_blocked_is_accepted_with_no_events()
    {
        var decision = UnblockKey.Decide(new UnblockKey(KeyId, Admin), Key(), Later);

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void unblocking_an_unknown_or_revoked_key_is_not_found()
    {
        var revoked = Key(issued => issued with { Blocked = true }).Apply(new KeyRevoked(KeyId, IssuedAt, Admin));

        Rejected(UnblockKey.Decide(new UnblockKey(KeyId, Admin), null, Later), RejectionKind.NotFound, "key");
        Rejected(UnblockKey.Decide(new UnblockKey(KeyId, Admin), revoked, Later), RejectionKind.NotFound, "key");
    }
}
