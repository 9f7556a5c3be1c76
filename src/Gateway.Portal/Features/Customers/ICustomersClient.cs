using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Customers;

/// <summary>The end users (customers) of the apps behind the gateway; admins only.</summary>
public interface ICustomersClient
{
    Task<PortalResult<IReadOnlyList<CustomerRow>>> ListAsync(SignedInUser who, CancellationToken ct);
}

public sealed record CustomerRow(string CustomerId, string? Alias, decimal? MaxBudget, string? BudgetDuration, decimal Spend, bool Blocked);
