namespace Gateway.Domain.Keys;

public sealed record KeyUnblocked(Guid KeyId, DateTimeOffset At, string By);
