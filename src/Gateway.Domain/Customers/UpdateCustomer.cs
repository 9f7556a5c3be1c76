using Gateway.Domain.Teams;

namespace Gateway.Domain.Customers;

/// <summary>
/// POST /customer/update. A null property is "not sent"; a <see cref="Change{T}"/> holding null clears the field.
/// Blocking goes through <see cref="BlockCustomer"/> and <see cref="UnblockCustomer"/>.
/// </summary>
public sealed record UpdateCustomer(
    string CustomerId,
    Change<string?>? Alias = null,
    Change<decimal?>? MaxBudget = null,
    Change<string?>? BudgetDuration = null,
    Change<long?>? TpmLimit = null,
    Change<long?>? RpmLimit = null,
    Change<string?>? AllowedModelRegion = null)
{
    /// <returns>No events when the command changes nothing (fields sent with their current value included).</returns>
    public static Decision Decide(UpdateCustomer command, Customer? customer, string by, DateTimeOffset now)
    {
        if (customer is null || customer.Deleted)
            return CustomerNotFound.For(command.CustomerId);

        var refusal = FieldRules.First(
            FieldRules.Alias(command.Alias.Or(null), "alias"),
            FieldRules.NotNegative(command.MaxBudget.Or(null), "max_budget"),
            FieldRules.BudgetDuration(command.BudgetDuration.Or(null)),
            FieldRules.NotNegative(command.TpmLimit.Or(null), "tpm_limit"),
            FieldRules.NotNegative(command.RpmLimit.Or(null), "rpm_limit"),
            ModelRegions.Check(command.AllowedModelRegion.Or(null)));
        if (refusal is not null)
            return refusal;
        var updated = new CustomerUpdated(
            customer.CustomerId,
            now,
            by,
            command.Alias.IfDifferent(customer.Alias),
            command.MaxBudget.IfDifferent(customer.MaxBudget),
            command.BudgetDuration.IfDifferent(customer.BudgetDuration),
            command.TpmLimit.IfDifferent(customer.TpmLimit),
            command.RpmLimit.IfDifferent(customer.RpmLimit),
            command.AllowedModelRegion.IfDifferent(customer.AllowedModelRegion));
        return updated == new CustomerUpdated(customer.CustomerId, now, by) ? Decision.Accept() : Decision.Accept(updated);
    }
}
