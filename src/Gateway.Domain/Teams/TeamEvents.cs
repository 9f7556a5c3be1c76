using System.Text.Json;

namespace Gateway.Domain.Teams;

// The team stream's events (stream id = StreamIds.Team(TeamId)). Every event says when (At) and who acted (By)
// for the audit trail.

public sealed record TeamCreated(
    string TeamId,
    string? TeamAlias,
    IReadOnlyList<string> Models,
    decimal? MaxBudget,
    decimal? SoftBudget,
    string? BudgetDuration,
    long? TpmLimit,
    long? RpmLimit,
    long? MaxParallelRequests,
    IReadOnlyDictionary<string, JsonElement> Metadata,
    bool Blocked,
    IReadOnlyList<TeamMember> Members,
    DateTimeOffset At,
    string By);

/// <summary>
/// Only the fields that changed: a null property was not touched; a <see cref="Change{T}"/> holding null cleared
/// the field (see <see cref="Change{T}"/>). Membership and blocking have their own events.
/// </summary>
public sealed record TeamUpdated(
    string TeamId,
    DateTimeOffset At,
    string By,
    Change<string?>? TeamAlias = null,
    Change<IReadOnlyList<string>>? Models = null,
    Change<decimal?>? MaxBudget = null,
    Change<decimal?>? SoftBudget = null,
    Change<string?>? BudgetDuration = null,
    Change<long?>? TpmLimit = null,
    Change<long?>? RpmLimit = null,
    Change<long?>? MaxParallelRequests = null,
    Change<IReadOnlyDictionary<string, JsonElement>>? Metadata = null);

public sealed record TeamMemberAdded(
    string TeamId,
    string UserId,
    string Role,
    decimal? MaxBudgetInTeam,
    DateTimeOffset At,
    string By);

/// <summary>A member's role or budget in the team changed; a null property was not touched.</summary>
public sealed record TeamMemberUpdated(
    string TeamId,
    string UserId,
    DateTimeOffset At,
    string By,
    Change<string>? Role = null,
    Change<decimal?>? MaxBudgetInTeam = null);

public sealed record TeamMemberRemoved(string TeamId, string UserId, DateTimeOffset At, string By);

public sealed record TeamBlocked(string TeamId, DateTimeOffset At, string By);

public sealed record TeamUnblocked(string TeamId, DateTimeOffset At, string By);

public sealed record TeamDeleted(string TeamId, DateTimeOffset At, string By);
