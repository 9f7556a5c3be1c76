using System.Text.Json;
using Gateway.Domain.Teams;

namespace Gateway.Domain.Users;

// The user stream's events (stream id = StreamIds.User(UserId)). Every event says when (At) and who acted (By).

/// <param name="Teams">The team ids given at creation; membership itself lives on the teams' streams.</param>
public sealed record UserCreated(
    string UserId,
    string? UserEmail,
    string? UserAlias,
    string UserRole,
    IReadOnlyList<string> Teams,
    decimal? MaxBudget,
    string? BudgetDuration,
    IReadOnlyList<string> Models,
    long? TpmLimit,
    long? RpmLimit,
    IReadOnlyDictionary<string, JsonElement> Metadata,
    DateTimeOffset At,
    string By);

/// <summary>Only the fields that changed; a <see cref="Change{T}"/> holding null cleared the field.</summary>
public sealed record UserUpdated(
    string UserId,
    DateTimeOffset At,
    string By,
    Change<string?>? UserEmail = null,
    Change<string?>? UserAlias = null,
    Change<string>? UserRole = null,
    Change<decimal?>? MaxBudget = null,
    Change<string?>? BudgetDuration = null,
    Change<IReadOnlyList<string>>? Models = null,
    Change<long?>? TpmLimit = null,
    Change<long?>? RpmLimit = null,
    Change<IReadOnlyDictionary<string, JsonElement>>? Metadata = null);

public sealed record UserDeleted(string UserId, DateTimeOffset At, string By);
