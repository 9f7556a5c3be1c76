using Gateway.Domain.Customers;
using Gateway.Domain.Teams;
using static Gateway.Domain.Tests.Customers.CustomerExamples;

namespace Gateway.Domain.Tests.Customers;

public class CustomerFoldTests
{
    [Fact]
    public void a_created_customer_carries_every_field_of_their_creation()
    {
        var customer = Customer.Create(Creation());

        Assert.Equal("end-user-1", customer.CustomerId);
        Assert.Equal(StreamIds.Customer("end-user-1"), customer.Id);
        Assert.Equal("Acme", customer.Alias);
        Assert.False(customer.Blocked);
        Assert.Equal(5m, customer.MaxBudget);
        Assert.Equal("1d", customer.BudgetDuration);
        Assert.Equal(1_000, customer.TpmLimit);
        Assert.Equal(10, customer.RpmLimit);
        Assert.Equal("eu", customer.AllowedModelRegion);
        Assert.False(customer.Deleted);
        Assert.Equal(Created, customer.CreatedAt);
        Assert.Equal(Created, customer.UpdatedAt);
    }

    [Fact]
    public void an_update_changes_the_fields_it_names_clears_those_set_to_null_and_leaves_the_rest()
    {
        var customer = ACustomer().Apply(new CustomerUpdated(
            "end-user-1", Now, Admin,
            Alias: Change.To<string?>("Acme GmbH"),
            AllowedModelRegion: Change.To<string?>(null)));

        Assert.Equal("Acme GmbH", customer.Alias);
        Assert.Null(customer.AllowedModelRegion);
        Assert.Equal(5m, customer.MaxBudget);
        Assert.Equal(10, customer.RpmLimit);
        Assert.Equal(Now, customer.UpdatedAt);
    }

    [Fact]
    public void blocking_unblocking_and_deleting_are_remembered()
    {
        var blocked = ACustomer().Apply(new CustomerBlocked("end-user-1", Now, Admin));
        var unblocked = blocked.Apply(new CustomerUnblocked("end-user-1", Now.AddMinutes(1), Admin));
        var deleted = unblocked.Apply(new CustomerDeleted("end-user-1", Now.AddMinutes(2), Admin));

        Assert.True(blocked.Blocked);
        Assert.False(unblocked.Blocked);
        Assert.True(deleted.Deleted);
        Assert.Equal(Now.AddMinutes(2), deleted.UpdatedAt);
    }
}
