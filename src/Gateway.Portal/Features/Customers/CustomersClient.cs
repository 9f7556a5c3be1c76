using Gateway.Domain.Customers;
using Gateway.Domain.Spend;
using Gateway.Portal.Features.Access;
using Marten;

namespace Gateway.Portal.Features.Customers;

public sealed class CustomersClient(IDocumentStore store) : ICustomersClient
{
    public async Task<PortalResult<IReadOnlyList<CustomerRow>>> ListAsync(SignedInUser who, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<IReadOnlyList<CustomerRow>>.Forbidden("Only admins see customers.");
        var customers = await session.Query<Customer>().Where(c => !c.Deleted).OrderBy(c => c.CustomerId).ToListAsync(ct);
        var ids = customers.Select(c => c.CustomerId).ToArray();
        var spend = ids.Length == 0 ? [] : await session.LoadManyAsync<CustomerSpend>(ct, ids);
        var byId = spend.ToDictionary(s => s.Id, s => s.Spend);
        return PortalResult<IReadOnlyList<CustomerRow>>.Ok([.. customers.Select(c =>
            new CustomerRow(c.CustomerId, c.Alias, c.MaxBudget, c.BudgetDuration, byId.GetValueOrDefault(c.CustomerId), c.Blocked))]);
    }
}
