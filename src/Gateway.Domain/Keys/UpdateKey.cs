using System.Text.Json;

namespace Gateway.Domain.Keys;

/// <summary>
/// <c>/key/update</c>. Each setting is a <see cref="Change{T}"/>: null leaves it alone, a change with a null value
/// clears it (a cleared collection becomes empty). <see cref="Duration"/> resets the expiry to now + duration, or
/// clears it. The event lists only what really changed; an update that changes nothing is accepted with no events.
/// <see cref="Blocked"/> emits <see cref="KeyBlocked"/> / <see cref="KeyUnblocked"/> after the update.
/// </summary>
public sealed record UpdateKey(Guid KeyId, string By)
{
    public Change<string?>? KeyAlias { get; init; }
    public Change<string?>? Duration { get; init; }
    public Change<IReadOnlyList<string>?>? Models { get; init; }
    public Change<IReadOnlyDictionary<string, string>?>? Aliases { get; init; }
    public Change<decimal?>? MaxBudget { get; init; }
    public Change<decimal?>? SoftBudget { get; init; }
    public Change<string?>? BudgetDuration { get; init; }
    public Change<IReadOnlyDictionary<string, ModelBudget>?>? ModelMaxBudget { get; init; }
    public Change<long?>? TpmLimit { get; init; }
    public Change<long?>? RpmLimit { get; init; }
    public Change<int?>? MaxParallelRequests { get; init; }
    public Change<IReadOnlyDictionary<string, long>?>? ModelRpmLimit { get; init; }
    public Change<IReadOnlyDictionary<string, long>?>? ModelTpmLimit { get; init; }
    public Change<IReadOnlyDictionary<string, JsonElement>?>? Metadata { get; init; }
    public Change<string?>? TeamId { get; init; }
    public Change<string?>? UserId { get; init; }
    public Change<string?>? OrganizationId { get; init; }
    public Change<IReadOnlyList<string>?>? Tags { get; init; }
    public bool? Blocked { get; init; }

    public static Decision Decide(UpdateKey command, VirtualKey? key, DateTimeOffset now)
    {
        if (key is null || key.Revoked)
            return KeyRules.KeyNotFound(command.KeyId);

        var problem =
            KeyRules.Alias(command.KeyAlias?.Value)
            ?? KeyRules.Duration(command.Duration?.Value, "duration")
            ?? KeyRules.Names(command.Models?.Value, "models")
            ?? KeyRules.NotNegative(command.MaxBudget?.Value, "max_budget")
            ?? KeyRules.NotNegative(command.SoftBudget?.Value, "soft_budget")
            ?? KeyRules.SoftWithinMax(
                command.SoftBudget is { } soft ? soft.Value : key.SoftBudget,
                command.MaxBudget is { } max ? max.Value : key.MaxBudget)
            ?? KeyRules.Duration(command.BudgetDuration?.Value, "budget_duration")
            ?? KeyRules.ModelBudgets(command.ModelMaxBudget?.Value)
            ?? KeyRules.NotNegative(command.TpmLimit?.Value, "tpm_limit")
            ?? KeyRules.NotNegative(command.RpmLimit?.Value, "rpm_limit")
            ?? KeyRules.NotNegative(command.MaxParallelRequests?.Value, "max_parallel_requests")
            ?? KeyRules.ModelLimits(command.ModelRpmLimit?.Value, "model_rpm_limit")
            ?? KeyRules.ModelLimits(command.ModelTpmLimit?.Value, "model_tpm_limit")
            ?? KeyRules.Names(command.Tags?.Value, "tags")
            ?? KeyRules.Aliases(command.Aliases?.Value)
            ?? KeyRules.Name(command.TeamId?.Value, "team_id")
            ?? KeyRules.Name(command.UserId?.Value, "user_id")
            ?? KeyRules.Name(command.OrganizationId?.Value, "organization_id");
        if (problem is not null)
            return problem.ToDecision();

        var updated = new KeyUpdated(key.Id, now, command.By)
        {
            KeyAlias = Change.IfDifferent(command.KeyAlias, key.KeyAlias),
            Models = Change.IfDifferent(Empty(command.Models), key.Models, KeyRules.SameList),
            Aliases = Change.IfDifferent(Empty(command.Aliases), key.Aliases, KeyRules.SameMap),
            MaxBudget = Change.IfDifferent(command.MaxBudget, key.MaxBudget),
            SoftBudget = Change.IfDifferent(command.SoftBudget, key.SoftBudget),
            BudgetDuration = Change.IfDifferent(Map(command.BudgetDuration, KeyRules.Canonical), key.BudgetDuration),
            ModelMaxBudget = Change.IfDifferent(Map(command.ModelMaxBudget, KeyRules.Canonical), key.ModelMaxBudget, KeyRules.SameMap),
            TpmLimit = Change.IfDifferent(command.TpmLimit, key.TpmLimit),
            RpmLimit = Change.IfDifferent(command.RpmLimit, key.RpmLimit),
            MaxParallelRequests = Change.IfDifferent(command.MaxParallelRequests, key.MaxParallelRequests),
            ModelRpmLimit = Change.IfDifferent(Empty(command.ModelRpmLimit), key.ModelRpmLimit, KeyRules.SameMap),
            ModelTpmLimit = Change.IfDifferent(Empty(command.ModelTpmLimit), key.ModelTpmLimit, KeyRules.SameMap),
            ExpiresAt = Change.IfDifferent(Map(command.Duration, duration => KeyRules.ExpiryFrom(duration, now)), key.ExpiresAt),
            Metadata = Change.IfDifferent(Empty(command.Metadata), key.Metadata, KeyRules.SameMetadata),
            TeamId = Change.IfDifferent(command.TeamId, key.TeamId),
            UserId = Change.IfDifferent(command.UserId, key.UserId),
            OrganizationId = Change.IfDifferent(command.OrganizationId, key.OrganizationId),
            Tags = Change.IfDifferent(Empty(command.Tags), key.Tags, KeyRules.SameList),
        };

        var events = new List<object>();
        if (updated != new KeyUpdated(key.Id, now, command.By))
            events.Add(updated);
        if (command.Blocked is true && !key.Blocked)
            events.Add(new KeyBlocked(key.Id, now, command.By));
        if (command.Blocked is false && key.Blocked)
            events.Add(new KeyUnblocked(key.Id, now, command.By));
        return Decision.Accept([.. events]);
    }

    static Change<TOut>? Map<TIn, TOut>(Change<TIn>? change, Func<TIn, TOut> map) =>
        change is null ? null : new Change<TOut>(map(change.Value));

    static Change<IReadOnlyList<string>>? Empty(Change<IReadOnlyList<string>?>? change) =>
        Map(change, value => value ?? []);

    static Change<IReadOnlyDictionary<string, TValue>>? Empty<TValue>(Change<IReadOnlyDictionary<string, TValue>?>? change) =>
        Map(change, value => value ?? new Dictionary<string, TValue>());
}
