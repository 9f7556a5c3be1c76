using Gateway.Domain.Pricing;

namespace Gateway.Portal.Features.Audit;

/// <summary>
/// The price sheets people uploaded to recompute an audit with, held in this gateway's memory by version (the hash of
/// their prices) for the page and its CSV download. Only for recomputing: nothing here is published or charged by.
/// A few at most, the oldest forgotten first (LiteLLM's whole cost map is a few MB once read).
/// </summary>
public sealed class UploadedPriceSheets
{
    public const int Capacity = 8;

    readonly Lock _lock = new();
    readonly List<PriceSheet> _sheets = [];

    public void Keep(PriceSheet sheet)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        lock (_lock)
        {
            _sheets.RemoveAll(s => s.Version == sheet.Version);
            _sheets.Add(sheet);
            if (_sheets.Count > Capacity)
                _sheets.RemoveAt(0);
        }
    }

    public PriceSheet? Find(string? version)
    {
        lock (_lock)
            return _sheets.Find(s => s.Version == version);
    }
}
