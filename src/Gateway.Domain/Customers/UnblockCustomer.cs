namespace Gateway.Domain.Customers;

/// <summary>One customer of POST /customer/unblock <c>{user_ids: [...]}</c>. Unblocking twice adds no events.</summary>
public sealed record UnblockCustomer(string CustomerId)
{
    public static Decision Decide(UnblockCustomer command, Customer? customer, string by, DateTimeOffset now)
    {
        if (customer is null || customer.Deleted)
            return CustomerNotFound.For(command.CustomerId);
        return customer.Blocked ? Decision.Accept(new CustomerUnblocked(customer.CustomerId, now, by)) : Decision.Accept();
    }
}
