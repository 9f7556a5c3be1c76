using Gateway.Api.Providers.Mock;
using Gateway.Api.Routing;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Tests.Routing;

/// <summary>Deployments for unit tests of the routing parts; nothing is called.</summary>
internal static class Deployments
{
    public static Deployment Make(string id, string group = "g", double? weight = null, long? rpm = null, long? tpm = null,
        int? order = null, decimal? inputCost = null, decimal? outputCost = null, string[]? tags = null, int? maxInputTokens = null,
        int? maxParallel = null) => new()
    {
        Id = id,
        ModelGroup = group,
        ProviderName = "mock",
        UpstreamModel = id,
        Provider = new MockProvider(),
        Weight = weight ?? 1,
        HasWeight = weight is not null,
        Rpm = rpm,
        Tpm = tpm,
        Order = order,
        Price = new ModelPrice { InputCostPerToken = inputCost, OutputCostPerToken = outputCost },
        IsPriced = inputCost is not null || outputCost is not null,
        Tags = tags ?? [],
        MaxInputTokens = maxInputTokens,
        MaxParallelRequests = maxParallel,
    };
}
