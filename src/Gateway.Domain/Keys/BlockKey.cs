namespace Gateway.Domain.Keys;

/// <summary>
/// <c>/key/block</c>. Blocking a blocked key succeeds and records nothing: LiteLLM sets <c>blocked = true</c>
/// unconditionally and answers 200, and an admin script retrying a block must not fail.
/// </summary>
public sealed record BlockKey(Guid KeyId, string By)
{
    public static Decision Decide(BlockKey command, VirtualKey? key, DateTimeOffset now)
    {
        if (key is null || key.Revoked)
            return KeyRules.KeyNotFound(command.KeyId);
        return key.Blocked ? Decision.Accept() : Decision.Accept(new KeyBlocked(key.Id, now, command.By));
    }
}
