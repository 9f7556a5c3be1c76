using Gateway.Domain.Keys;

namespace Gateway.Domain.Tests.Keys;

/// <summary>Fixed times, ids and keys the key tests share.</summary>
static class Given
{
    public static readonly DateTimeOffset IssuedAt = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Later = IssuedAt.AddHours(2);
    public static readonly Guid KeyId = Guid.Parse("0195a0c2-0000-7000-8000-000000000001");
    public const string Plaintext = "sk-test-plaintext-abcd";
    public static readonly string Hash = KeyPlaintext.Hash(Plaintext);
    public const string Admin = "admin@example.com";

    public static IssueKey IssueCommand() => new(KeyId, Hash, KeyPlaintext.Name(Plaintext), Admin);

    public static KeyIssued Issued() => new(KeyId, Hash, KeyPlaintext.Name(Plaintext), IssuedAt, Admin);

    public static VirtualKey Key(Func<KeyIssued, KeyIssued>? shape = null) =>
        VirtualKey.Create((shape ?? (issued => issued))(Issued()));

    public static T Single<T>(Decision decision)
    {
        Assert.True(decision.IsAccepted, decision.Rejection?.Message);
        return Assert.IsType<T>(Assert.Single(decision.Events));
    }

    public static Rejection Rejected(Decision decision, RejectionKind kind, string field)
    {
        Assert.False(decision.IsAccepted);
        Assert.Empty(decision.Events);
        var rejection = decision.Rejection!;
        Assert.Equal(kind, rejection.Kind);
        Assert.Equal(field, rejection.Field);
        return rejection;
    }
}
