namespace Gateway.Api.Proxy;

/// <summary>Who is calling: the SHA-256 hex of the key they presented, and what it may do.</summary>
public sealed record Caller(string KeyHash, bool IsAdmin, string? TeamId = null, string? UserId = null);
