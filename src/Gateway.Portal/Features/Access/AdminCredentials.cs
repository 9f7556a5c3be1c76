using System.Security.Cryptography;
using System.Text;

namespace Gateway.Portal.Features.Access;

/// <summary>
/// The built-in portal admin: <c>UI_USERNAME</c>/<c>UI_PASSWORD</c>, by default <c>admin</c> with the master key as
/// password (as LiteLLM's UI). Only SHA-256 digests are kept, compared in fixed time; nothing here prints a secret.
/// </summary>
public sealed class AdminCredentials
{
    public const string DefaultUsername = "admin";

    readonly byte[] _username;
    readonly byte[] _password;

    public AdminCredentials(string username, string password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        Username = username;
        _username = Digest(username);
        _password = Digest(password);
        Stamp = Convert.ToHexStringLower(Digest("stamp:" + username + "\n" + password))[..16];
    }

    /// <summary>UI_USERNAME and UI_PASSWORD when set; otherwise <c>admin</c> and the master key.</summary>
    public static AdminCredentials From(string? uiUsername, string? uiPassword, string masterKey) =>
        new(string.IsNullOrWhiteSpace(uiUsername) ? DefaultUsername : uiUsername.Trim(),
            string.IsNullOrEmpty(uiPassword) ? masterKey : uiPassword);

    public string Username { get; }

    /// <summary>Changes with the password, so a cookie issued under an old password stops working.</summary>
    public string Stamp { get; }

    public bool Matches(string username, string password) =>
        // Both comparisons always run, so the time taken does not say which part was wrong.
        CryptographicOperations.FixedTimeEquals(Digest(username), _username)
        & CryptographicOperations.FixedTimeEquals(Digest(password), _password);

    public override string ToString() => $"portal admin '{Username}'";

    static byte[] Digest(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
