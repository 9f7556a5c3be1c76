using Gateway.Domain.Customers;
using Gateway.Domain.Teams;
using Gateway.Domain.Tests.Teams;
using static Gateway.Domain.Tests.Customers.CustomerExamples;

namespace Gateway.Domain.Tests.Customers;

public class UpdateCustomerTests
{
    static Decision Decide(UpdateCustomer command, Customer? customer) =>
        UpdateCustomer.Decide(command, customer, Admin, Now);

    [Fact]
    public void an_update_records_only_the_fields_that_were_sent()
    {
        var command = new UpdateCustomer(
            "end-user-1", MaxBudget: Change.To<decimal?>(null), AllowedModelRegion: Change.To<string?>("us"));

        var updated = DecisionAssert.SingleEvent<CustomerUpdated>(Decide(command, ACustomer()));

        Assert.Equal("end-user-1", updated.CustomerId);
        Assert.Equal(Now, updated.At);
        Assert.Equal(Admin, updated.By);
        Assert.Null(updated.MaxBudget!.Value);
        Assert.Equal("us", updated.AllowedModelRegion!.Value);
        Assert.Null(updated.Alias);
        Assert.Null(updated.BudgetDuration);
        Assert.Null(updated.TpmLimit);
        Assert.Null(updated.RpmLimit);
    }

    [Fact]
    public void an_update_that_changes_nothing_records_nothing()
    {
        DecisionAssert.NoEvents(Decide(new UpdateCustomer("end-user-1"), ACustomer()));
    }

    [Fact]
    public void updating_a_missing_or_deleted_customer_is_not_found()
    {
        var command = new UpdateCustomer("end-user-1", RpmLimit: Change.To<long?>(1));

        DecisionAssert.Refused(Decide(command, null), RejectionKind.NotFound, "user_id");
        DecisionAssert.Refused(Decide(command, Deleted()), RejectionKind.NotFound, "user_id");
    }

    public static TheoryData<UpdateCustomer, string> BadValues => new()
    {
        { new UpdateCustomer("end-user-1", Alias: Change.To<string?>(" ")), "alias" },
        { new UpdateCustomer("end-user-1", MaxBudget: Change.To<decimal?>(-1m)), "max_budget" },
        { new UpdateCustomer("end-user-1", BudgetDuration: Change.To<string?>("1")), "budget_duration" },
        { new UpdateCustomer("end-user-1", TpmLimit: Change.To<long?>(-1)), "tpm_limit" },
        { new UpdateCustomer("end-user-1", RpmLimit: Change.To<long?>(-1)), "rpm_limit" },
        { new UpdateCustomer("end-user-1", AllowedModelRegion: Change.To<string?>("mars")), "allowed_model_region" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void invalid_new_values_are_refused_with_their_field(UpdateCustomer command, string field)
    {
        DecisionAssert.Refused(Decide(command, ACustomer()), RejectionKind.Invalid, field);
    }
}
