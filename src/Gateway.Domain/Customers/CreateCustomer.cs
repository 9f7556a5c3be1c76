using Gateway.Domain.Teams;

namespace Gateway.Domain.Customers;

/// <summary>POST /customer/new: <c>{user_id, alias, blocked, max_budget, budget_duration, tpm_limit, rpm_limit,
/// allowed_model_region}</c>. <see cref="CustomerId"/> is LiteLLM's user_id (end_user_id), always sent.</summary>
public sealed record CreateCustomer(
    string CustomerId,
    string? Alias = null,
    bool Blocked = false,
    decimal? MaxBudget = null,
    string? BudgetDuration = null,
    long? TpmLimit = null,
    long? RpmLimit = null,
    string? AllowedModelRegion = null)
{
    /// <param name="existing">The customer already on this id's stream, deleted or not; ids are never reused.</param>
    public static Decision Decide(CreateCustomer command, Customer? existing, string by, DateTimeOffset now)
    {
        var refusal = FieldRules.First(
            FieldRules.Id(command.CustomerId, "user_id"),
            FieldRules.Alias(command.Alias, "alias"),
            FieldRules.NotNegative(command.MaxBudget, "max_budget"),
            FieldRules.BudgetDuration(command.BudgetDuration),
            FieldRules.NotNegative(command.TpmLimit, "tpm_limit"),
            FieldRules.NotNegative(command.RpmLimit, "rpm_limit"),
            ModelRegions.Check(command.AllowedModelRegion));
        if (refusal is not null)
            return refusal;
        if (existing is not null)
            return Decision.Reject(
                RejectionKind.Conflict, $"Customer {command.CustomerId} already exists.", "user_id");

        return Decision.Accept(new CustomerCreated(
            command.CustomerId,
            command.Alias,
            command.Blocked,
            command.MaxBudget,
            command.BudgetDuration,
            command.TpmLimit,
            command.RpmLimit,
            command.AllowedModelRegion,
            now,
            by));
    }
}
