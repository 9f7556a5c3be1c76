using Gateway.Domain.Customers;
using Gateway.Domain.Tests.Teams;
using static Gateway.Domain.Tests.Customers.CustomerExamples;

namespace Gateway.Domain.Tests.Customers;

public class CreateCustomerTests
{
    static Decision Decide(CreateCustomer command, Customer? existing = null) =>
        CreateCustomer.Decide(command, existing, Admin, Now);

    [Fact]
    public void a_new_customer_is_created_with_everything_they_were_given()
    {
        var command = new CreateCustomer("end-user-9", "Globex", Blocked: true, MaxBudget: 3m, BudgetDuration: "30d",
            TpmLimit: 100, RpmLimit: 2, AllowedModelRegion: "us");

        var created = DecisionAssert.SingleEvent<CustomerCreated>(Decide(command));

        Assert.Equal(
            new CustomerCreated("end-user-9", "Globex", true, 3m, "30d", 100, 2, "us", Now, Admin),
            created);
    }

    [Fact]
    public void a_customer_sent_with_only_an_id_is_unblocked_and_unlimited()
    {
        var created = DecisionAssert.SingleEvent<CustomerCreated>(Decide(new CreateCustomer("end-user-9")));

        Assert.Equal(new CustomerCreated("end-user-9", null, false, null, null, null, null, null, Now, Admin), created);
    }

    [Fact]
    public void an_id_already_used_is_a_conflict_even_after_deletion()
    {
        DecisionAssert.Refused(Decide(new CreateCustomer("end-user-1"), ACustomer()), RejectionKind.Conflict, "user_id");
        DecisionAssert.Refused(Decide(new CreateCustomer("end-user-1"), Deleted()), RejectionKind.Conflict, "user_id");
    }

    public static TheoryData<CreateCustomer, string> BadFields => new()
    {
        { new CreateCustomer(" "), "user_id" },
        { new CreateCustomer("c", Alias: ""), "alias" },
        { new CreateCustomer("c", MaxBudget: -1m), "max_budget" },
        { new CreateCustomer("c", BudgetDuration: "daily"), "budget_duration" },
        { new CreateCustomer("c", TpmLimit: -1), "tpm_limit" },
        { new CreateCustomer("c", RpmLimit: -1), "rpm_limit" },
        { new CreateCustomer("c", AllowedModelRegion: "apac"), "allowed_model_region" },
        { new CreateCustomer("c", AllowedModelRegion: "EU"), "allowed_model_region" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void invalid_fields_are_refused_by_name(CreateCustomer command, string field)
    {
        DecisionAssert.Refused(Decide(command), RejectionKind.Invalid, field);
    }
}
