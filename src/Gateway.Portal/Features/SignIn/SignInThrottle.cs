using System.Net;
using Gateway.Domain.Limits;

namespace Gateway.Portal.Features.SignIn;

/// <summary>
/// Failed sign-ins, counted per client address and per username (<see cref="FailedAttempts{TKey}"/>, the same limit
/// as wrong API keys: <c>failed_auth_limit</c> per <c>failed_auth_window_seconds</c>). Past the limit the form refuses
/// before any password is checked, so guessing the admin's password (the master key) or a team lead's is slow from
/// one machine and, per username, from many.
/// </summary>
public sealed class SignInThrottle(FailedAttemptLimit limit, TimeProvider time)
{
    /// <summary>Usernames are what the visitor typed: longer ones are cut, and fewer are tracked than addresses.</summary>
    const int LongestUsername = 256;

    readonly FailedAttempts<UInt128> _clients = new(limit, time);
    readonly FailedAttempts<string> _usernames = new(limit with { MaxTracked = Math.Min(limit.MaxTracked, 10_000) }, time);

    /// <summary>Why this sign-in may not be tried now, in words a person can act on; null when it may.</summary>
    public string? Refusal(IPAddress? client, string username, out TimeSpan retryAfter)
    {
        if (_clients.IsRefused(ClientAddress.KeyOf(client), out retryAfter))
            return $"Too many failed sign-ins from your network. Wait {Describe(retryAfter)}, then try again.";
        if (_usernames.IsRefused(Normalised(username), out retryAfter))
            return $"Too many failed sign-ins for this username. Wait {Describe(retryAfter)}, then try again; " +
                   "if you have forgotten your password, ask an admin for a new invitation.";
        return null;
    }

    public void Failed(IPAddress? client, string username)
    {
        _clients.Record(ClientAddress.KeyOf(client));
        _usernames.Record(Normalised(username));
    }

    static string Normalised(string username)
    {
        var trimmed = username.Trim();
        return (trimmed.Length > LongestUsername ? trimmed[..LongestUsername] : trimmed).ToLowerInvariant();
    }

    static string Describe(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return seconds < 120 ? $"{seconds} second{(seconds == 1 ? "" : "s")}" : $"{(int)Math.Ceiling(seconds / 60d)} minutes";
    }
}
