namespace Gateway.Portal.Features.Audit;

/// <summary>A price file someone uploaded, as the page shows it: its name, its sheet's version, how many models it prices.</summary>
public sealed record UploadedPriceSheet(string Version, string FileName, int Models)
{
    public AuditPrices Prices => AuditPrices.Uploaded(Version);
}
