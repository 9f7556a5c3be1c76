namespace Gateway.Domain.Customers;

/// <summary>LiteLLM's allowed_model_region values: a customer pinned to a region is only routed to deployments there.</summary>
public static class ModelRegions
{
    public const string Eu = "eu";
    public const string Us = "us";

    public static bool IsKnown(string? region) => region is Eu or Us;

    internal static Decision? Check(string? region) =>
        region is null || IsKnown(region)
            ? null
            : Decision.Invalid("allowed_model_region", "allowed_model_region must be \"eu\" or \"us\".");
}
