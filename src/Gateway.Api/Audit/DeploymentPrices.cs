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
    /// <param name="stored">The deployments added at runtime, priced under <paramref name="sheet"/> the same way.</param>
    public static IReadOnlyDictionary<string, ModelPrice> For(GatewayConfig config, PriceSheet sheet, ProviderCatalog catalog,
        Func<string, string?> environment, IEnumerable<Deployment>? stored = null)
    {
        var table = DeploymentTableBuilder.Build(config, sheet, catalog, environment, NullLogger.Instance);
        var prices = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        foreach (var deployment in table.Groups.Values.SelectMany(g => g.Deployments).Concat(stored ?? []))
        {
            if (deployment.IsPriced)
                prices[deployment.Id] = deployment.Price;
        }
        return prices;
    }
}
