using System.Security.Cryptography;
using System.Text;
using Gateway.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Proxy;

/// <summary>
/// Finds the key on a request (the headers OpenAI, Azure, Anthropic and Google clients use) and checks it against
/// the master key. Keys are compared as SHA-256 digests in constant time; the plaintext is never kept.
/// </summary>
public sealed class Authenticator
{
    readonly byte[] _masterKeyHash;
    readonly Caller _master;

    public Authenticator(string masterKey)
    {
        _masterKeyHash = SHA256.HashData(Encoding.UTF8.GetBytes(masterKey));
        _master = new Caller(Convert.ToHexStringLower(_masterKeyHash), IsAdmin: true);
    }

    public Caller? Authenticate(HttpRequest request, out ApiError? error)
    {
        var key = PresentedKey(request.Headers);
        if (string.IsNullOrEmpty(key))
        {
            error = ApiError.NoKey();
            return null;
        }

        Span<byte> hash = stackalloc byte[32];
        var length = Encoding.UTF8.GetByteCount(key);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes, hash);

        if (CryptographicOperations.FixedTimeEquals(hash, _masterKeyHash))
        {
            error = null;
            return _master;
        }

        error = ApiError.InvalidKey(key);
        return null;
    }

    /// <summary>
    /// <c>Authorization: Bearer</c>, then <c>x-litellm-api-key</c>, <c>api-key</c> (Azure), <c>x-api-key</c> (Anthropic)
    /// and <c>x-goog-api-key</c> (Gemini), as LiteLLM accepts them.
    /// </summary>
    public static string? PresentedKey(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            var value = authorization.AsSpan().Trim();
            if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                value = value[7..].Trim();
            if (!value.IsEmpty)
                return value.ToString();
        }

        foreach (var name in AlternativeHeaders)
        {
            var value = headers[name].ToString().Trim();
            if (value.Length > 0)
                return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : value;
        }
        return null;
    }

    static readonly string[] AlternativeHeaders = ["x-litellm-api-key", "api-key", "x-api-key", "x-goog-api-key"];
}
