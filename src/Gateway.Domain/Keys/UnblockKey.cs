namespace Gateway.Domain.Keys;

/// <summary><c>/key/unblock</c>. Unblocking a key that is not blocked succeeds and records nothing, as in LiteLLM.</summary>
public sealed record UnblockKey(Guid KeyId, string By)
{
    public static Decision Decide(UnblockKey command, VirtualKey? key, DateTimeOffset now)
    {
        if (key is null || key.Revoked)
            return KeyRules.KeyNotFound(command.KeyId);
        return key.Blocked ? Decision.Accept(new KeyUnblocked(key.Id, now, command.By)) : Decision.Accept();
    }
}
