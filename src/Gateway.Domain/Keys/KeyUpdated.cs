using System.Text.Json;

namespace Gateway.Domain.Keys;

/// <summary>
/// Settings of a key changed. Only the fields that actually changed are present; see <see cref="Change{T}"/>
/// for "absent = unchanged, Value null = cleared". A cleared collection is an empty one. A new
/// <see cref="BudgetDuration"/> starts a fresh budget window at <see cref="At"/> (LiteLLM resets
/// <c>budget_reset_at</c> the same way). Blocking has its own events, so it is not here.
/// </summary>
public sealed record KeyUpdated(Guid KeyId, DateTimeOffset At, string By)
{
    public Change<string?>? KeyAlias { get; init; }
    public Change<IReadOnlyList<string>>? Models { get; init; }
    public Change<IReadOnlyDictionary<string, string>>? Aliases { get; init; }
    public Change<decimal?>? MaxBudget { get; init; }
    public Change<decimal?>? SoftBudget { get; init; }
    public Change<string?>? BudgetDuration { get; init; }
    public Change<IReadOnlyDictionary<string, ModelBudget>>? ModelMaxBudget { get; init; }
    public Change<long?>? TpmLimit { get; init; }
    public Change<long?>? RpmLimit { get; init; }
    public Change<int?>? MaxParallelRequests { get; init; }
    public Change<IReadOnlyDictionary<string, long>>? ModelRpmLimit { get; init; }
    public Change<IReadOnlyDictionary<string, long>>? ModelTpmLimit { get; init; }
    public Change<DateTimeOffset?>? ExpiresAt { get; init; }
    public Change<IReadOnlyDictionary<string, JsonElement>>? Metadata { get; init; }
    public Change<string?>? TeamId { get; init; }
    public Change<string?>? UserId { get; init; }
    public Change<string?>? OrganizationId { get; init; }
    public Change<IReadOnlyList<string>>? Tags { get; init; }
}
