namespace Gateway.Domain.Customers;

/// <summary>One customer of POST /customer/block <c>{user_ids: [...]}</c>. Blocking twice adds no events.</summary>
public sealed record BlockCustomer(string CustomerId)
{
    public static Decision Decide(BlockCustomer command, Customer? customer, string by, DateTimeOffset now)
    {
        if (customer is null || customer.Deleted)
            return CustomerNotFound.For(command.CustomerId);
        return customer.Blocked ? Decision.Accept() : Decision.Accept(new CustomerBlocked(customer.CustomerId, now, by));
    }
}
