using System.Security.Cryptography;
using System.Text;
using Gateway.Api.Access;
using Gateway.Api.Errors;
using Gateway.Api.Events;
using Gateway.Api.Keys;
using Gateway.Domain.Keys;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Proxy;

/// <summary>
/// Finds the key on a request (the headers OpenAI, Azure, Anthropic and Google clients use) and checks it against
/// the master key, then the virtual keys. Keys are compared as SHA-256 digests (the master key in constant time);
/// the plaintext is never kept. A client that has sent too many wrong keys is refused first, before any lookup
/// (<see cref="FailedAuthentications"/>). While PostgreSQL is known to be down (<see cref="DatabaseOutage"/>), a key
/// not in memory cannot be checked and every call is refused when <c>allow_requests_on_db_unavailable</c> is false:
/// both are 503s, never a "no such key" that would be remembered.
/// </summary>
public sealed class Authenticator
{
    readonly byte[] _masterKeyHash;
    readonly Caller _master;
    readonly KeyDirectory _keys;
    readonly Roster _roster;
    readonly TimeProvider _time;
    readonly FailedAuthentications _failures;
    readonly DatabaseOutage _outage;

    public Authenticator(string masterKey, KeyDirectory keys, Roster roster, TimeProvider time, FailedAuthentications failures, DatabaseOutage outage)
    {
        _failures = failures;
        _outage = outage;
        _masterKeyHash = SHA256.HashData(Encoding.UTF8.GetBytes(masterKey));
        _master = new Caller(Convert.ToHexStringLower(_masterKeyHash), IsAdmin: true);
        _keys = keys;
        _roster = roster;
        _time = time;
    }

    /// <summary>
    /// The caller, or the error to answer with (too many wrong keys, no key, unknown, blocked, expired). Only an unknown
    /// key counts as a failure: a missing, blocked or expired one guesses nothing.
    /// </summary>
    public async ValueTask<(Caller? Caller, ApiError? Error)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        if (_failures.IsRefused(request.HttpContext, out var retryAfter))
            return (null, ApiError.TooManyFailedAuthentications(retryAfter));

        var key = PresentedKey(request.Headers);
        if (string.IsNullOrEmpty(key))
            return (null, ApiError.NoKey());
        if (_outage.RefusesCalls)
            return (null, ApiError.DatabaseUnavailable());

        Span<byte> hash = stackalloc byte[32];
        var length = Encoding.UTF8.GetByteCount(key);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes, hash);

        if (CryptographicOperations.FixedTimeEquals(hash, _masterKeyHash))
            return (_master, null);

        var keyHash = Convert.ToHexStringLower(hash);
        var (virtualKey, unverifiable) = await FindAsync(keyHash, ct);
        if (unverifiable)
            return (null, ApiError.KeyUnverifiable());
        var now = _time.GetUtcNow();
        if (virtualKey is null || virtualKey.Revoked || !virtualKey.MatchesSecret(keyHash, now))
        {
            _failures.Failed(request.HttpContext);
            return (null, ApiError.InvalidKey(key));
        }
        if (virtualKey.Blocked)
            return (null, ApiError.BlockedKey());
        if (virtualKey.IsExpired(now))
            return (null, ApiError.ExpiredKey(virtualKey.ExpiresAt!.Value));

        var team = _roster.Team(virtualKey.TeamId);
        if (team is { Blocked: true })
            return (null, ApiError.BlockedTeam(team.TeamId));
        var user = _roster.User(virtualKey.UserId);
        return (new Caller(keyHash, IsAdmin: user is { IsAdmin: true }, virtualKey, team, user), null);
    }

    /// <summary>
    /// The key from memory, or looked up once; unverifiable (and nothing remembered) when a lookup is needed and the
    /// database is known to be down or fails to answer for want of a connection.
    /// </summary>
    async ValueTask<(VirtualKey? Key, bool Unverifiable)> FindAsync(string keyHash, CancellationToken ct)
    {
        if (_keys.Remembers(keyHash))
            return (await _keys.FindAsync(keyHash, ct), false);
        if (_outage.IsOngoing)
            return (null, true);
        try
        {
            return (await _keys.FindAsync(keyHash, ct), false);
        }
        catch (Exception ex) when (DatabaseOutage.IsConnectionFailure(ex) && !ct.IsCancellationRequested)
        {
            _outage.Unreachable(ex);
            return (null, true);
        }
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
