using Gateway.Domain.Customers;

namespace Gateway.Domain.Tests.Customers;

internal static class CustomerExamples
{
    public static readonly DateTimeOffset Created = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    public const string Admin = "admin-user";

    public static CustomerCreated Creation(string customerId = "end-user-1") => new(
        customerId,
        "Acme",
        Blocked: false,
        MaxBudget: 5m,
        BudgetDuration: "1d",
        TpmLimit: 1_000,
        RpmLimit: 10,
        AllowedModelRegion: ModelRegions.Eu,
        At: Created,
        By: Admin);

    public static Customer ACustomer(string customerId = "end-user-1") => Customer.Create(Creation(customerId));

    public static Customer Blocked() => ACustomer().Apply(new CustomerBlocked("end-user-1", Now, Admin));

    public static Customer Deleted() => ACustomer().Apply(new CustomerDeleted("end-user-1", Now, Admin));
}
