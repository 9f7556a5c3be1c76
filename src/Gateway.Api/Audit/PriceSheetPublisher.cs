using Gateway.Api.Events;
using Gateway.Domain.Pricing;
using Marten;
using Microsoft.Extensions.Hosting;

namespace Gateway.Api.Audit;

/// <summary>
/// Makes the sheet this gateway charges by a fact: at start-up, appends <see cref="PriceSheetPublished"/> unless the
/// last published sheet is already this one. Calls keep recording their own unit prices and sheet version.
/// </summary>
public sealed partial class PriceSheetPublisher(
    ActivePriceSheet active, IDocumentStore store, GatewayNode node, TimeProvider time, ILogger<PriceSheetPublisher> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var published = await PublishAsync(store, active, $"gateway node {node.Id} at start-up", time.GetUtcNow(), cancellationToken);
        if (published is not null)
            LogPublished(logger, published.Version, published.Models.Count, published.Source);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Appends the publication when the sheet changed; the event appended, or null. Shared with <c>prices import</c>.</summary>
    public static async Task<PriceSheetPublished?> PublishAsync(
        IDocumentStore store, ActivePriceSheet active, string by, DateTimeOffset now, CancellationToken ct, PriceSheetImported? imported = null)
    {
        await using var session = store.LightweightSession();
        var last = await PriceSheetHistory.LatestPublishedAsync(session, ct);
        var publication = active.PublishUnlessCurrent(last?.Version, now, by);
        // A stream per fact: two nodes starting at once both append, and neither fails.
        if (imported is not null)
            session.Events.StartStream(Guid.CreateVersion7(), imported);
        if (publication is not null)
            session.Events.StartStream(Guid.CreateVersion7(), publication);
        if (imported is not null || publication is not null)
            await session.SaveChangesAsync(ct);
        return publication;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Charging by price sheet {Version} ({Models} models, {Source}); published it")]
    static partial void LogPublished(ILogger logger, string version, int models, string source);
}
