using Gateway.Domain.Customers;
using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Customers;

/// <summary>
/// The end users (customers) of the apps behind the gateway, named by the <c>user</c> field of requests. Admins only:
/// customers are not any team's, so a team lead neither sees nor changes them (every method refuses, on the server).
/// Changes go through the same decisions as <c>/customer/new|update|block|unblock|delete</c>.
/// </summary>
public interface ICustomersClient
{
    Task<PortalResult<CustomerPage>> ListAsync(SignedInUser who, CustomerListQuery query, CancellationToken ct);

    Task<PortalResult<Customer>> CreateAsync(SignedInUser who, CustomerSettings settings, CancellationToken ct);

    Task<PortalResult<Customer>> UpdateAsync(SignedInUser who, string customerId, CustomerSettings settings, CancellationToken ct);

    Task<PortalResult<Customer>> BlockAsync(SignedInUser who, string customerId, CancellationToken ct);

    Task<PortalResult<Customer>> UnblockAsync(SignedInUser who, string customerId, CancellationToken ct);

    Task<PortalResult<Customer>> DeleteAsync(SignedInUser who, string customerId, CancellationToken ct);
}

/// <summary>One page of customers. <paramref name="Page"/> counts from 0; <paramref name="SortBy"/> names a <see cref="CustomerRow"/> property.</summary>
public sealed record CustomerListQuery(int Page, int PageSize, string? Search = null, string? SortBy = null, bool Descending = false);

public sealed record CustomerPage(IReadOnlyList<CustomerRow> Rows, int Total);

/// <summary>A customer with what they spent in their current budget window (all time when it never resets), exact.</summary>
public sealed record CustomerRow(Customer Customer, decimal Spend)
{
    public string CustomerId => Customer.CustomerId;
    public string? Alias => Customer.Alias;
    public decimal? MaxBudget => Customer.MaxBudget;
    public string? BudgetDuration => Customer.BudgetDuration;
    public bool Blocked => Customer.Blocked;
    public DateTimeOffset CreatedAt => Customer.CreatedAt;
}
