using System.Security.Cryptography;
using System.Xml.Linq;
using Gateway.Portal.KeyRing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Portal.Tests.KeyRing;

public sealed class KeyRingEncryptionTests
{
    static readonly XElement Secret = XElement.Parse("<masterKey><value>c2VjcmV0IGtleSBtYXRlcmlhbA==</value></masterKey>");

    static KeyRingDecryptor DecryptorFor(string masterKey) =>
        new(new ServiceCollection().AddSingleton(KeyRingSecret.From(masterKey)).BuildServiceProvider());

    [Fact]
    public void a_key_encrypted_under_the_master_key_reads_back_under_it_and_hides_its_secret()
    {
        var encrypted = new KeyRingEncryptor(KeyRingSecret.From("sk-master")).Encrypt(Secret);

        Assert.Equal(typeof(KeyRingDecryptor), encrypted.DecryptorType);
        Assert.DoesNotContain("c2VjcmV0IGtleSBtYXRlcmlhbA==", encrypted.EncryptedElement.ToString(), StringComparison.Ordinal);
        Assert.Equal(Secret.ToString(), DecryptorFor("sk-master").Decrypt(encrypted.EncryptedElement).ToString());
    }

    [Fact]
    public void another_master_key_cannot_read_it()
    {
        var encrypted = new KeyRingEncryptor(KeyRingSecret.From("sk-master")).Encrypt(Secret);

        Assert.ThrowsAny<CryptographicException>(() => DecryptorFor("sk-another-master").Decrypt(encrypted.EncryptedElement));
    }

    [Fact]
    public void each_encryption_uses_a_fresh_nonce()
    {
        var encryptor = new KeyRingEncryptor(KeyRingSecret.From("sk-master"));

        Assert.NotEqual(encryptor.Encrypt(Secret).EncryptedElement.ToString(), encryptor.Encrypt(Secret).EncryptedElement.ToString());
    }
}
