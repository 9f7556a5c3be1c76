using Gateway.Domain.Budgets;

namespace Gateway.Domain.Keys;

/// <summary>
/// <c>/key/regenerate</c>: a new secret for the same key. As with <see cref="IssueKey"/>, the caller makes or checks
/// the plaintext (<c>new_key</c>) and passes its hash and name. <see cref="GracePeriod"/> ("24h") keeps the old
/// secret working that long; without it the old secret stops at once.
/// </summary>
public sealed record RegenerateKey(Guid KeyId, string NewKeyHash, string NewKeyName, string By)
{
    public string? GracePeriod { get; init; }

    public static Decision Decide(RegenerateKey command, VirtualKey? key, DateTimeOffset now)
    {
        if (key is null || key.Revoked)
            return KeyRules.KeyNotFound(command.KeyId);

        var problem =
            KeyRules.KeyHash(command.NewKeyHash, "new_key")
            ?? (command.NewKeyHash == key.KeyHash
                ? new Rejection(RejectionKind.Invalid, "The new key must differ from the current one.", "new_key")
                : null)
            ?? KeyRules.Duration(command.GracePeriod, "grace_period");
        if (problem is not null)
            return problem.ToDecision();

        DateTimeOffset? previousValidUntil = command.GracePeriod is null ? null : BudgetDuration.Parse(command.GracePeriod).AddTo(now);
        return Decision.Accept(new KeyRegenerated(
            key.Id, command.NewKeyHash, command.NewKeyName, key.KeyHash, previousValidUntil, now, command.By));
    }
}
