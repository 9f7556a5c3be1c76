using Gateway.Domain.Customers;
using Gateway.Domain.Tests.Teams;
using static Gateway.Domain.Tests.Customers.CustomerExamples;

namespace Gateway.Domain.Tests.Customers;

public class CustomerLifecycleTests
{
    [Fact]
    public void an_active_customer_is_blocked()
    {
        var blocked = DecisionAssert.SingleEvent<CustomerBlocked>(
            BlockCustomer.Decide(new BlockCustomer("end-user-1"), ACustomer(), Admin, Now));

        Assert.Equal(new CustomerBlocked("end-user-1", Now, Admin), blocked);
    }

    [Fact]
    public void blocking_a_blocked_customer_records_nothing()
    {
        DecisionAssert.NoEvents(BlockCustomer.Decide(new BlockCustomer("end-user-1"), Blocked(), Admin, Now));
    }

    [Fact]
    public void a_blocked_customer_is_unblocked()
    {
        var unblocked = DecisionAssert.SingleEvent<CustomerUnblocked>(
            UnblockCustomer.Decide(new UnblockCustomer("end-user-1"), Blocked(), Admin, Now));

        Assert.Equal(new CustomerUnblocked("end-user-1", Now, Admin), unblocked);
    }

    [Fact]
    public void unblocking_an_active_customer_records_nothing()
    {
        DecisionAssert.NoEvents(UnblockCustomer.Decide(new UnblockCustomer("end-user-1"), ACustomer(), Admin, Now));
    }

    [Fact]
    public void a_customer_is_deleted()
    {
        var deleted = DecisionAssert.SingleEvent<CustomerDeleted>(
            DeleteCustomer.Decide(new DeleteCustomer("end-user-1"), ACustomer(), Admin, Now));

        Assert.Equal(new CustomerDeleted("end-user-1", Now, Admin), deleted);
    }

    [Fact]
    public void acting_on_a_missing_or_deleted_customer_is_not_found()
    {
        Decision[] decisions =
        [
            BlockCustomer.Decide(new BlockCustomer("end-user-1"), null, Admin, Now),
            BlockCustomer.Decide(new BlockCustomer("end-user-1"), Deleted(), Admin, Now),
            UnblockCustomer.Decide(new UnblockCustomer("end-user-1"), null, Admin, Now),
            UnblockCustomer.Decide(
                new UnblockCustomer("end-user-1"),
                Deleted().Apply(new CustomerBlocked("end-user-1", Now, Admin)),
                Admin,
                Now),
            DeleteCustomer.Decide(new DeleteCustomer("end-user-1"), null, Admin, Now),
            DeleteCustomer.Decide(new DeleteCustomer("end-user-1"), Deleted(), Admin, Now),
        ];

        Assert.All(decisions, d => DecisionAssert.Refused(d, RejectionKind.NotFound, "user_id"));
    }
}
