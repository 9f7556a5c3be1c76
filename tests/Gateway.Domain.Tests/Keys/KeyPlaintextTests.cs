using Gateway.Domain.Keys;

namespace Gateway.Domain.Tests.Keys;

public class KeyPlaintextTests
{
    [Fact]
    public void generated_keys_are_sk_and_43_base64url_characters_without_padding()
    {
        string key = KeyPlaintext.Generate();

        Assert.StartsWith("sk-", key);
        Assert.Equal(3 + 43, key.Length);
        Assert.Matches("^sk-[A-Za-z0-9_-]{43}$", key);
    }

    [Fact]
    public void generated_keys_differ()
    {
        Assert.NotEqual(KeyPlaintext.Generate(), KeyPlaintext.Generate());
    }

    [Fact]
    public void the_hash_is_sha256_in_lowercase_hex()
    {
        // The FIPS 180-2 test vector for "abc".
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeyPlaintext.Hash("abc"));
    }

    [Fact]
    public void the_name_shows_the_last_four_characters()
    {
        Assert.Equal("sk-...wxyz", KeyPlaintext.Name("sk-abcdefghijklmnopqrstuvwxyz"));
    }

    [Theory]
    [InlineData("sk-12345")]
    [InlineData("sk-my-own-team-key")]
    public void a_custom_key_starting_with_sk_and_eight_characters_long_is_accepted(string key)
    {
        Assert.Null(KeyPlaintext.Validate(key));
    }

    [Theory]
    [InlineData("pk-12345678")]
    [InlineData("SK-12345678")]
    [InlineData("sk-1234")]
    [InlineData("sk-1234 5678")]
    public void other_custom_keys_are_refused_naming_the_field(string key)
    {
        var rejection = KeyPlaintext.Validate(key, "new_key");

        Assert.NotNull(rejection);
        Assert.Equal(RejectionKind.Invalid, rejection.Kind);
        Assert.Equal("new_key", rejection.Field);
    }
}
