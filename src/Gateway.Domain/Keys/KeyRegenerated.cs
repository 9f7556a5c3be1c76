namespace Gateway.Domain.Keys;

/// <summary>
/// The key got a new secret; settings, spend and id stay. The old secret keeps working until
/// <see cref="PreviousKeyValidUntil"/> (LiteLLM's <c>grace_period</c>), or stops at once when that is null.
/// </summary>
public sealed record KeyRegenerated(
    Guid KeyId,
    string KeyHash,
    string KeyName,
    string PreviousKeyHash,
    DateTimeOffset? PreviousKeyValidUntil,
    DateTimeOffset At,
    string By);
