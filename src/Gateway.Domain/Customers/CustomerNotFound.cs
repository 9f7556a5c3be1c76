namespace Gateway.Domain.Customers;

/// <summary>The one refusal for a customer who never existed or was deleted.</summary>
internal static class CustomerNotFound
{
    public static Decision For(string customerId) =>
        Decision.Reject(RejectionKind.NotFound, $"Customer {customerId} does not exist.", "user_id");
}
