namespace Gateway.Domain.Keys;

/// <summary>The key was deleted (<c>/key/delete</c>); it never works again and later commands on it find nothing.</summary>
public sealed record KeyRevoked(Guid KeyId, DateTimeOffset At, string By);
