using Gateway.Api.Config;
using Gateway.Api.Providers;
using Gateway.Api.Routing;
using Gateway.Domain.Pricing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Audit;

/// <summary>
/// What each configured deployment would cost under another sheet, found exactly as the gateway finds it at start-up
/// (<c>model_info.base_model</c>, provider prefixes, per-deployment costs in config.yaml): the audit reprices a call by
/// its deployment id first, so a sheet priced by base model reprices those calls too.
/// </summary>
public static class DeploymentPrices
{
    public static IReadOnlyDictionary<string, ModelPrice> For(GatewayConfig config, PriceSheet sheet, ProviderCatalog catalog, Func<string, string?> environment)
    {
        var table = DeploymentTableBuilder.Build(config, sheet, catalog, environment, NullLogger.Instance);
        var prices = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        foreach (var group in table.Groups.Values)
        {
            foreach (var deployment in group.Deployments)
            {
                if (deployment.IsPriced)
                    prices[deployment.Id] = deployment.Price;
            }
        }
        return prices;
    }
}
