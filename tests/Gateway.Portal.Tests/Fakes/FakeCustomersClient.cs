using Gateway.Domain;
using Gateway.Domain.Customers;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Customers;

namespace Gateway.Portal.Tests.Fakes;

/// <summary>Customers kept in a list, refused to anyone but admins (as the real client does); records the actions.</summary>
public sealed class FakeCustomersClient : ICustomersClient
{
    public static readonly DateTimeOffset Created = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    public List<CustomerRow> Rows { get; } = [];
    public List<CustomerListQuery> Queries { get; } = [];
    public List<(string Action, string CustomerId, CustomerSettings? With)> Actions { get; } = [];
    public Exception? ListFails { get; set; }

    public static Customer Customer(string id, decimal? maxBudget = null, bool blocked = false) =>
        Gateway.Domain.Customers.Customer.Create(new CustomerCreated(id, null, blocked, maxBudget, null, null, null, null, Created, "admin"));

    public Task<PortalResult<CustomerPage>> ListAsync(SignedInUser who, CustomerListQuery query, CancellationToken ct)
    {
        Queries.Add(query);
        if (ListFails is not null)
            throw ListFails;
        if (!who.IsAdmin)
            return Task.FromResult(PortalResult<CustomerPage>.Forbidden("Only admins see and change customers: they belong to no team."));
        return Task.FromResult(PortalResult<CustomerPage>.Ok(new CustomerPage(Rows, Rows.Count)));
    }

    public Task<PortalResult<Customer>> CreateAsync(SignedInUser who, CustomerSettings settings, CancellationToken ct) => Act("create", settings.CustomerId ?? "", settings);

    public Task<PortalResult<Customer>> UpdateAsync(SignedInUser who, string customerId, CustomerSettings settings, CancellationToken ct) => Act("update", customerId, settings);

    public Task<PortalResult<Customer>> BlockAsync(SignedInUser who, string customerId, CancellationToken ct) => Act("block", customerId, null);

    public Task<PortalResult<Customer>> UnblockAsync(SignedInUser who, string customerId, CancellationToken ct) => Act("unblock", customerId, null);

    public Task<PortalResult<Customer>> DeleteAsync(SignedInUser who, string customerId, CancellationToken ct) => Act("delete", customerId, null);

    Task<PortalResult<Customer>> Act(string action, string customerId, CustomerSettings? with)
    {
        Actions.Add((action, customerId, with));
        return Task.FromResult(PortalResult<Customer>.Ok(Customer(customerId)));
    }
}
