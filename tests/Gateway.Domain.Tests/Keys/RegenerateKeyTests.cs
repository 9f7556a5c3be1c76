using Gateway.Domain.Keys;
using static Gateway.Domain.Tests.Keys.Given;

namespace Gateway.Domain.Tests.Keys;

public class RegenerateKeyTests
{
    const string NewPlaintext = "sk-brand-new-secret-wxyz";

    static RegenerateKey Regenerate() =>
        new(KeyId, KeyPlaintext.Hash(NewPlaintext), KeyPlaintext.Name(NewPlaintext), Admin);

    [Fact]
    public void regenerating_replaces_the_secret_and_remembers_the_old_hash()
    {
        var regenerated = Single<KeyRegenerated>(RegenerateKey.Decide(Regenerate(), Key(), Later));

        Assert.Equal(KeyPlaintext.Hash(NewPlaintext), regenerated.KeyHash);
        Assert.Equal("sk-...wxyz", regenerated.KeyName);
        Assert.Equal(Hash, regenerated.PreviousKeyHash);
        Assert.Null(regenerated.PreviousKeyValidUntil);
        Assert.Equal(Later, regenerated.At);
        Assert.Equal(Admin, regenerated.By);
    }

    [Fact]
    public void a_grace_period_keeps_the_old_secret_valid_until_now_plus_that_period()
    {
        var regenerated = Single<KeyRegenerated>(RegenerateKey.Decide(Regenerate() with { GracePeriod = "24h" }, Key(), Later));

        Assert.Equal(Later.AddHours(24), regenerated.PreviousKeyValidUntil);
    }

    [Fact]
    public void an_unreadable_grace_period_is_refused()
    {
        Rejected(RegenerateKey.Decide(Regenerate() with { GracePeriod = "a while" }, Key(), Later), RejectionKind.Invalid, "grace_period");
    }

    [Fact]
    public void the_new_secret_must_differ_from_the_current_one()
    {
        Rejected(RegenerateKey.Decide(Regenerate() with { NewKeyHash = Hash }, Key(), Later), RejectionKind.Invalid, "new_key");
    }

    [Fact]
    public void the_new_secret_must_arrive_as_a_hash()
    {
        Rejected(RegenerateKey.Decide(Regenerate() with { NewKeyHash = NewPlaintext }, Key(), Later), RejectionKind.Invalid, "new_key");
    }

    [Fact]
    public void regenerating_an_unknown_or_revoked_key_is_not_found()
    {
        var revoked = Key().Apply(new KeyRevoked(KeyId, IssuedAt, Admin));

        Rejected(RegenerateKey.Decide(Regenerate(), null, Later), RejectionKind.NotFound, "key");
        Rejected(RegenerateKey.Decide(Regenerate(), revoked, Later), RejectionKind.NotFound, "key");
    }
}
