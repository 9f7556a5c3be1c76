using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.Domain.Models;

/// <summary>
/// Seals provider credentials before they go into an event, and opens them only when the router's table is built.
/// AES-256-GCM with a key derived (HKDF-SHA256) from the gateway's salt key (<c>GATEWAY_SALT_KEY</c> or LiteLLM's
/// <c>LITELLM_SALT_KEY</c>, else the master key, as LiteLLM falls back). A sealed value is text:
/// <c>gateway-sealed:v1:</c> + base64(nonce ‖ ciphertext ‖ tag). The deployment id and the field name are bound in as
/// associated data, so a sealed value copied to another deployment or field does not open.
/// </summary>
public sealed class CredentialSeal
{
    public const string Prefix = "gateway-sealed:v1:";

    const int NonceSize = 12;
    const int TagSize = 16;
    static readonly byte[] Salt = "gateway credential seal"u8.ToArray();
    static readonly byte[] Info = "aes-256-gcm v1"u8.ToArray();

    readonly byte[] _key;

    public CredentialSeal(string saltKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(saltKey);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(saltKey), 32, Salt, Info);
    }

    public static bool IsSealed(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Seals one value (any JSON: a key is a string, Vertex credentials may be an object).</summary>
    public JsonElement Seal(JsonElement value, string deploymentId, string field)
    {
        var plain = Encoding.UTF8.GetBytes(value.GetRawText());
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagSize))
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Associated(deploymentId, field));
        CryptographicOperations.ZeroMemory(plain);
        return JsonSerializer.SerializeToElement(Prefix + Convert.ToBase64String(sealedBytes));
    }

    /// <summary>Opens a sealed value; false when it was sealed with another salt key (or altered).</summary>
    public bool TryOpen(JsonElement value, string deploymentId, string field, out JsonElement opened)
    {
        opened = default;
        if (!IsSealed(value))
            return false;
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(value.GetString()![Prefix.Length..]);
        }
        catch (FormatException)
        {
            return false;
        }
        if (sealedBytes.Length < NonceSize + TagSize)
            return false;

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length),
                sealedBytes.AsSpan(NonceSize + plain.Length), plain, Associated(deploymentId, field));
            using var document = JsonDocument.Parse(plain);
            opened = document.RootElement.Clone();
            return true;
        }
        catch (Exception ex) when (ex is AuthenticationTagMismatchException or CryptographicException or JsonException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>
    /// The params with every credential in clear text sealed; references (<c>os.environ/NAME</c>), nulls (a patch
    /// removing the field) and values already sealed are left as they are.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> SealCredentials(IReadOnlyDictionary<string, JsonElement> litellmParams, string deploymentId)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in litellmParams)
        {
            result[name] = CredentialFields.IsCredential(name) && value.ValueKind != JsonValueKind.Null
                && !IsSealed(value) && !CredentialFields.IsEnvironmentReference(value)
                ? Seal(value, deploymentId, name)
                : value;
        }
        return result;
    }

    /// <summary>The params with every sealed credential opened, or the first field that would not open.</summary>
    public (IReadOnlyDictionary<string, JsonElement>? Opened, string? FailedField) OpenCredentials(
        IReadOnlyDictionary<string, JsonElement> litellmParams, string deploymentId)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in litellmParams)
        {
            if (!IsSealed(value))
                result[name] = value;
            else if (TryOpen(value, deploymentId, name, out var opened))
                result[name] = opened;
            else
                return (null, name);
        }
        return (result, null);
    }

    static byte[] Associated(string deploymentId, string field) => Encoding.UTF8.GetBytes($"{deploymentId}\n{field}");
}
