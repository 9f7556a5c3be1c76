using Gateway.Domain;
using Gateway.Domain.Customers;
using Gateway.Domain.Spend;
using Gateway.Portal.Features.Access;
using Marten;
using Marten.Pagination;

namespace Gateway.Portal.Features.Customers;

/// <summary><see cref="ICustomersClient"/> on the gateway's Marten store, a session per call.</summary>
public sealed class CustomersClient(IDocumentStore store, TimeProvider time) : ICustomersClient
{
    public const string AdminsOnly = "Only admins see and change customers: they belong to no team.";

    public async Task<PortalResult<CustomerPage>> ListAsync(SignedInUser who, CustomerListQuery query, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<CustomerPage>.Forbidden(AdminsOnly);
        if (FormText.MatchesNothingStored(query.Search))
            return PortalResult<CustomerPage>.Ok(new CustomerPage([], 0));
        IQueryable<Customer> customers = session.Query<Customer>().Where(c => !c.Deleted);
        if (FormText.OrNone(query.Search) is { } search)
        {
            customers = customers.Where(c =>
                c.CustomerId.Contains(search, StringComparison.OrdinalIgnoreCase)
                || c.Alias!.Contains(search, StringComparison.OrdinalIgnoreCase));
        }
        var page = await Sorted(customers, query.SortBy, query.Descending)
            .ToPagedListAsync(query.Page + 1, Math.Clamp(query.PageSize, 1, 100), ct);

        var now = time.GetUtcNow();
        var rows = new List<CustomerRow>((int)page.Count);
        foreach (var customer in page)
        {
            var since = customer.CurrentBudgetWindow(now)?.Start ?? DateTimeOffset.UnixEpoch;
            rows.Add(new CustomerRow(customer, await SpendSince.SumAsync(session, new SpendFilter(null, null, null, customer.CustomerId, null, since), ct)));
        }
        return PortalResult<CustomerPage>.Ok(new CustomerPage(rows, (int)page.TotalItemCount));
    }

    public async Task<PortalResult<Customer>> CreateAsync(SignedInUser who, CustomerSettings settings, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<Customer>.Forbidden(AdminsOnly);
        var customerId = FormText.OrNone(settings.CustomerId) ?? "";
        var stream = StreamIds.Customer(customerId);
        var decision = CreateCustomer.Decide(
            new CreateCustomer(customerId, FormText.OrNone(settings.Alias), false, settings.MaxBudget,
                FormText.OrNone(settings.BudgetDuration), settings.TpmLimit, settings.RpmLimit, FormText.OrNone(settings.AllowedModelRegion)),
            customerId.Length == 0 ? null : await session.LoadAsync<Customer>(stream, ct), who.By, time.GetUtcNow());
        if (decision.Rejection is { } rejected)
            return PortalResult<Customer>.Refused(rejected);
        session.Events.StartStream<Customer>(stream, [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return PortalResult<Customer>.Ok((await session.LoadAsync<Customer>(stream, ct))!);
    }

    public Task<PortalResult<Customer>> UpdateAsync(SignedInUser who, string customerId, CustomerSettings settings, CancellationToken ct) =>
        DecideAsync(who, customerId, customer => UpdateCustomer.Decide(
            // Every field the dialog shows is sent; the decision records only those that differ.
            new UpdateCustomer(customer.CustomerId,
                Change.To(FormText.OrNone(settings.Alias)),
                Change.To(settings.MaxBudget),
                Change.To(FormText.OrNone(settings.BudgetDuration)),
                Change.To(settings.TpmLimit),
                Change.To(settings.RpmLimit),
                Change.To(FormText.OrNone(settings.AllowedModelRegion))),
            customer, who.By, time.GetUtcNow()), ct);

    public Task<PortalResult<Customer>> BlockAsync(SignedInUser who, string customerId, CancellationToken ct) =>
        DecideAsync(who, customerId, customer => BlockCustomer.Decide(new BlockCustomer(customer.CustomerId), customer, who.By, time.GetUtcNow()), ct);

    public Task<PortalResult<Customer>> UnblockAsync(SignedInUser who, string customerId, CancellationToken ct) =>
        DecideAsync(who, customerId, customer => UnblockCustomer.Decide(new UnblockCustomer(customer.CustomerId), customer, who.By, time.GetUtcNow()), ct);

    public Task<PortalResult<Customer>> DeleteAsync(SignedInUser who, string customerId, CancellationToken ct) =>
        DecideAsync(who, customerId, customer => DeleteCustomer.Decide(new DeleteCustomer(customer.CustomerId), customer, who.By, time.GetUtcNow()), ct);

    async Task<PortalResult<Customer>> DecideAsync(SignedInUser who, string customerId, Func<Customer, Decision> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<Customer>.Forbidden(AdminsOnly);
        var customer = string.IsNullOrWhiteSpace(customerId) ? null : await session.LoadAsync<Customer>(StreamIds.Customer(customerId), ct);
        if (customer is null || customer.Deleted)
            return PortalResult<Customer>.Refused(RejectionKind.NotFound, $"There is no customer {customerId} (they may have been deleted).");
        var decision = decide(customer);
        if (decision.Rejection is { } rejected)
            return PortalResult<Customer>.Refused(rejected);
        if (decision.Events.Count > 0)
        {
            session.Events.Append(customer.Id, [.. decision.Events]);
            await session.SaveChangesAsync(ct);
        }
        return PortalResult<Customer>.Ok(await session.LoadAsync<Customer>(customer.Id, ct) ?? customer);
    }

    static IQueryable<Customer> Sorted(IQueryable<Customer> customers, string? sortBy, bool descending) => (sortBy, descending) switch
    {
        (nameof(CustomerRow.Alias), false) => customers.OrderBy(c => c.Alias),
        (nameof(CustomerRow.Alias), true) => customers.OrderByDescending(c => c.Alias),
        (nameof(CustomerRow.MaxBudget), false) => customers.OrderBy(c => c.MaxBudget),
        (nameof(CustomerRow.MaxBudget), true) => customers.OrderByDescending(c => c.MaxBudget),
        (nameof(CustomerRow.CreatedAt), false) => customers.OrderBy(c => c.CreatedAt),
        (nameof(CustomerRow.CreatedAt), true) => customers.OrderByDescending(c => c.CreatedAt),
        (nameof(CustomerRow.CustomerId), true) => customers.OrderByDescending(c => c.CustomerId),
        _ => customers.OrderBy(c => c.CustomerId),
    };
}
