namespace Gateway.Domain.Keys;

/// <summary><c>/key/delete</c>, one key at a time. A key already revoked is not found, as LiteLLM answers for a deleted key.</summary>
public sealed record RevokeKey(Guid KeyId, string By)
{
    public static Decision Decide(RevokeKey command, VirtualKey? key, DateTimeOffset now)
    {
        if (key is null || key.Revoked)
            return KeyRules.KeyNotFound(command.KeyId);
        return Decision.Accept(new KeyRevoked(key.Id, now, command.By));
    }
}
