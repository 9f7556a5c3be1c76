namespace Gateway.Domain.Keys;

/// <summary>The key was blocked: calls with it are refused until it is unblocked.</summary>
public sealed record KeyBlocked(Guid KeyId, DateTimeOffset At, string By);
