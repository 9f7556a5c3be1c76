using Gateway.Domain.Teams;

namespace Gateway.Domain.Customers;

// The customer stream's events (stream id = StreamIds.Customer(CustomerId); CustomerId is LiteLLM's end-user id,
// the request's `user` field).
// Every event says when (At) and who acted (By).

public sealed record CustomerCreated(
    string CustomerId,
    string? Alias,
    bool Blocked,
    decimal? MaxBudget,
    string? BudgetDuration,
    long? TpmLimit,
    long? RpmLimit,
    string? AllowedModelRegion,
    DateTimeOffset At,
    string By);

/// <summary>Only the fields that changed; a <see cref="Change{T}"/> holding null cleared the field.</summary>
public sealed record CustomerUpdated(
    string CustomerId,
    DateTimeOffset At,
    string By,
    Change<string?>? Alias = null,
    Change<decimal?>? MaxBudget = null,
    Change<string?>? BudgetDuration = null,
    Change<long?>? TpmLimit = null,
    Change<long?>? RpmLimit = null,
    Change<string?>? AllowedModelRegion = null);

public sealed record CustomerBlocked(string CustomerId, DateTimeOffset At, string By);

public sealed record CustomerUnblocked(string CustomerId, DateTimeOffset At, string By);

public sealed record CustomerDeleted(string CustomerId, DateTimeOffset At, string By);
