namespace Gateway.Domain.Customers;

/// <summary>One customer of POST /customer/delete <c>{user_ids: [...]}</c>; each id is decided on its own stream.</summary>
public sealed record DeleteCustomer(string CustomerId)
{
    public static Decision Decide(DeleteCustomer command, Customer? customer, string by, DateTimeOffset now) =>
        customer is null || customer.Deleted
            ? CustomerNotFound.For(command.CustomerId)
            : Decision.Accept(new CustomerDeleted(customer.CustomerId, now, by));
}
