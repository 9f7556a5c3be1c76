using Gateway.Domain.Budgets;
using Gateway.Domain.Teams;

namespace Gateway.Domain.Customers;

/// <summary>
/// An end user of the apps behind the gateway, known by the <c>user</c> field of their requests. Immutable and
/// folded by Marten's self-aggregating conventions; deletion marks the customer rather than dropping the stream.
/// </summary>
/// <param name="Id">The stream id, <see cref="StreamIds.Customer"/> of <paramref name="CustomerId"/>.</param>
/// <param name="CustomerId">LiteLLM's end-user id (the request's <c>user</c> field), the id the API, the events
/// and the read models use.</param>
public sealed partial record Customer(
    Guid Id,
    string CustomerId,
    string? Alias,
    bool Blocked,
    decimal? MaxBudget,
    string? BudgetDuration,
    long? TpmLimit,
    long? RpmLimit,
    string? AllowedModelRegion,
    bool Deleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Where the budget windows are counted from: creation, or the last change of <see cref="BudgetDuration"/>.</summary>
    public DateTimeOffset BudgetWindowAnchor { get; init; }

    /// <summary>The budget window containing <paramref name="now"/>, or null when the budget never resets.</summary>
    public BudgetWindow? CurrentBudgetWindow(DateTimeOffset now) => BudgetWindow.Of(BudgetDuration, BudgetWindowAnchor, now);

    public static Customer Create(CustomerCreated e) => new(
        StreamIds.Customer(e.CustomerId), e.CustomerId, e.Alias, e.Blocked, e.MaxBudget, e.BudgetDuration,
        e.TpmLimit, e.RpmLimit, e.AllowedModelRegion, Deleted: false, CreatedAt: e.At, UpdatedAt: e.At)
    {
        BudgetWindowAnchor = e.At,
    };

    public Customer Apply(CustomerUpdated e) => this with
    {
        Alias = e.Alias.Or(Alias),
        MaxBudget = e.MaxBudget.Or(MaxBudget),
        BudgetDuration = e.BudgetDuration.Or(BudgetDuration),
        BudgetWindowAnchor = e.BudgetDuration is null ? BudgetWindowAnchor : e.At,
        TpmLimit = e.TpmLimit.Or(TpmLimit),
        RpmLimit = e.RpmLimit.Or(RpmLimit),
        AllowedModelRegion = e.AllowedModelRegion.Or(AllowedModelRegion),
        UpdatedAt = e.At,
    };

    public Customer Apply(CustomerBlocked e) => this with { Blocked = true, UpdatedAt = e.At };

    public Customer Apply(CustomerUnblocked e) => this with { Blocked = false, UpdatedAt = e.At };

    public Customer Apply(CustomerDeleted e) => this with { Deleted = true, UpdatedAt = e.At };
}
