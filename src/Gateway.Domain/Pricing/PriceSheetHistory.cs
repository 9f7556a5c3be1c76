using JasperFx.Events;
using Marten;
using Marten.Events;

namespace Gateway.Domain.Pricing;

/// <summary>Reads the price-sheet facts back from the event store (never a read model: there is none).</summary>
public static class PriceSheetHistory
{
    /// <summary>The sheet gateways last started charging by, or null before the first start-up.</summary>
    public static async Task<PriceSheetPublished?> LatestPublishedAsync(IQuerySession session, CancellationToken ct) =>
        await LatestAsync<PriceSheetPublished>(session, ct);

    /// <summary>The last <c>prices import</c>, or null when prices were never imported.</summary>
    public static async Task<PriceSheetImported?> LatestImportAsync(IQuerySession session, CancellationToken ct) =>
        await LatestAsync<PriceSheetImported>(session, ct);

    /// <summary>The last publication of the sheet with this version (what a request's PriceSheetVersion names).</summary>
    public static async Task<PriceSheetPublished?> PublishedAsync(IQuerySession session, string version, CancellationToken ct) =>
        await session.Events.QueryRawEventDataOnly<PriceSheetPublished>()
            .Where(e => e.Version == version)
            .OrderByDescending(e => e.At)
            .FirstOrDefaultAsync(ct);

    /// <summary>Every publication, oldest first, streamed (each carries a whole sheet).</summary>
    public static IAsyncEnumerable<PriceSheetPublished> AllPublishedAsync(IQuerySession session, CancellationToken ct) =>
        session.Events.QueryRawEventDataOnly<PriceSheetPublished>().OrderBy(e => e.At).ToAsyncEnumerable(ct);

    static async Task<T?> LatestAsync<T>(IQuerySession session, CancellationToken ct) where T : class
    {
        // By sequence, not by the At inside: the store's order is the order the facts became true.
        var latest = await session.Events.QueryAllRawEvents()
            .Where(e => e.EventTypesAre(typeof(T)))
            .OrderByDescending(e => e.Sequence)
            .FirstOrDefaultAsync(ct);
        return latest?.Data as T;
    }
}
