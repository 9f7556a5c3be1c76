using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Domain.Keys;

/// <summary>
/// The secret a caller presents. Only its unsalted SHA-256 is ever stored (LiteLLM's <c>token</c>), so an existing
/// LiteLLM database's hashes still match; the plaintext is shown once, when the key is issued or regenerated.
/// </summary>
public static class KeyPlaintext
{
    public const string Prefix = "sk-";
    public const int MinimumCustomLength = 8;

    /// <summary>"sk-" and 32 random bytes in base64url without padding (43 characters).</summary>
    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the UTF-8 text, lowercase hex: how keys are looked up.</summary>
    public static string Hash(string plaintext) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext)));

    /// <summary>LiteLLM's <c>key_name</c>: "sk-..." and the last four characters, enough to recognise a key.</summary>
    public static string Name(string plaintext) => "sk-..." + plaintext[^Math.Min(4, plaintext.Length)..];

    /// <summary>Checks a key the caller chose (<c>key</c> on generate, <c>new_key</c> on regenerate).</summary>
    public static Rejection? Validate(string plaintext, string field = "key")
    {
        if (!plaintext.StartsWith(Prefix, StringComparison.Ordinal))
            return new Rejection(RejectionKind.Invalid, $"A custom key must start with '{Prefix}'.", field);
        if (plaintext.Length < MinimumCustomLength)
            return new Rejection(RejectionKind.Invalid, $"A custom key must be at least {MinimumCustomLength} characters long.", field);
        if (plaintext.Any(char.IsWhiteSpace))
            return new Rejection(RejectionKind.Invalid, "A custom key must not contain whitespace.", field);
        return null;
    }

    internal static bool IsHash(string text) =>
        text.Length == 64 && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
