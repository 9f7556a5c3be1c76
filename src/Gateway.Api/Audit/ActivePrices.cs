using Gateway.Api.Hosting;
using Gateway.Domain.Pricing;
using Marten;

namespace Gateway.Api.Audit;

/// <summary>
/// Which sheet this gateway charges by: the built-in sheet, under the last <c>prices import</c>, under the configured
/// price file. Read once at start-up, before the deployment table is built, so every call records that sheet.
/// </summary>
public static class ActivePrices
{
    public static async Task<ActivePriceSheet> LoadAsync(GatewaySettings settings, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var imported = await PriceSheetHistory.LatestImportAsync(session, ct);
        return ActivePriceSheet.Compose(PriceSheet.Builtin, imported, settings.PriceFile, settings.PriceFilePath);
    }

    /// <summary>For the service container, whose factories are synchronous; runs once, at start-up.</summary>
    public static ActivePriceSheet Load(GatewaySettings settings, IDocumentStore store) =>
        LoadAsync(settings, store, CancellationToken.None).GetAwaiter().GetResult();
}
