using Gateway.Domain.Customers;

namespace Gateway.Portal.Features.Customers;

/// <summary>What the customer dialog lets an admin set. Empty text means "none".</summary>
public sealed class CustomerSettings
{
    /// <summary>The id clients send in a request's <c>user</c> field; only when creating.</summary>
    public string? CustomerId { get; set; }

    public string? Alias { get; set; }
    public decimal? MaxBudget { get; set; }

    /// <summary>How often the budget starts again ("30d", "1mo"); none: never.</summary>
    public string? BudgetDuration { get; set; }

    public long? TpmLimit { get; set; }
    public long? RpmLimit { get; set; }

    /// <summary>"eu" or "us": calls for this customer only go to deployments in that region; none: any.</summary>
    public string? AllowedModelRegion { get; set; }

    public static CustomerSettings From(Customer customer) => new()
    {
        CustomerId = customer.CustomerId,
        Alias = customer.Alias,
        MaxBudget = customer.MaxBudget,
        BudgetDuration = customer.BudgetDuration,
        TpmLimit = customer.TpmLimit,
        RpmLimit = customer.RpmLimit,
        AllowedModelRegion = customer.AllowedModelRegion,
    };
}
