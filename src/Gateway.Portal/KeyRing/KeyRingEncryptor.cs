using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Portal.KeyRing;

/// <summary>
/// Encrypts each key of the ring before it is stored (AES-256-GCM under <see cref="KeyRingSecret"/>): whoever can read
/// the database cannot forge a portal session with it. A new master key cannot read the old keys; Data Protection then
/// makes a new key, and everyone signs in again.
/// </summary>
public sealed class KeyRingEncryptor(KeyRingSecret secret) : IXmlEncryptor
{
    internal const string ElementName = "gatewayEncryptedKey";
    const int NonceBytes = 12;
    const int TagBytes = 16;

    // Binds the ciphertext to its purpose: the same bytes cannot be passed off as something else sealed with this key.
    internal static readonly byte[] AssociatedData = Encoding.UTF8.GetBytes("llm-gateway portal key ring v1");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(secret.Key, TagBytes))
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData);
        CryptographicOperations.ZeroMemory(plaintext);

        var encrypted = new XElement(ElementName,
            new XAttribute("algorithm", "AES-256-GCM, key HKDF-SHA256 of the master key"),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("ciphertext", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(encrypted, typeof(KeyRingDecryptor));
    }
}

/// <summary>Reads what <see cref="KeyRingEncryptor"/> wrote. Data Protection creates it by its type name, with the services.</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var secret = services.GetRequiredService<KeyRingSecret>();
        byte[] Part(string name) => Convert.FromBase64String((string?)encryptedElement.Element(name)
            ?? throw new CryptographicException($"The encrypted key has no {name}."));
        var (nonce, tag, ciphertext) = (Part("nonce"), Part("tag"), Part("ciphertext"));
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(secret.Key, tag.Length);
            // Throws when the master key is not the one the key was encrypted under.
            aes.Decrypt(nonce, ciphertext, tag, plaintext, KeyRingEncryptor.AssociatedData);
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
