using Gateway.Domain;
using Gateway.Domain.Audit;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Audit;

namespace Gateway.Portal.Tests.Fakes;

/// <summary>Records what the page asked for; answers with one row (or a set refusal), an uploaded sheet, a spend.</summary>
public sealed class FakeAuditClient : IAuditClient
{
    public List<AuditRequest> Runs { get; } = [];
    public List<(string FileName, string Content)> Uploads { get; } = [];
    public List<(SpendOwnerKind Kind, string Owner, DateTimeOffset AsOf)> Lookups { get; } = [];

    public Rejection? RunRefusal { get; set; }
    public Rejection? UploadRefusal { get; set; }
    public Rejection? LookupRefusal { get; set; }

    /// <summary>What an uploaded sheet multiplies the recorded cost by.</summary>
    public decimal UploadedFactor { get; set; } = 2;

    public const decimal RecordedCost = 0.000123456789012345m;

    public Task<PortalResult<AuditReport>> RunAsync(SignedInUser who, AuditRequest request, CancellationToken ct)
    {
        Runs.Add(request);
        if (RunRefusal is { } refusal)
            return Task.FromResult(PortalResult<AuditReport>.Refused(refusal));
        var recomputed = request.Prices.Kind == AuditPricesKind.Uploaded ? RecordedCost * UploadedFactor : RecordedCost;
        var row = new AuditRow(request.From, "abc123", "checkout", request.TeamId, "gpt-4o", 3, 300, 120, RecordedCost, recomputed, 1.2m);
        var version = request.Prices.Kind == AuditPricesKind.Uploaded ? request.Prices.UploadedVersion : null;
        return Task.FromResult(PortalResult<AuditReport>.Ok(new AuditReport(
            new AuditQuery(request.From, request.To) { TeamId = request.TeamId },
            new AuditTotals(3, RecordedCost, recomputed, 1.2m), [row], 0, ["v1"], version, 0, [])));
    }

    public async Task<PortalResult<UploadedPriceSheet>> UploadPriceSheetAsync(SignedInUser who, string fileName, Stream content, CancellationToken ct)
    {
        using var reader = new StreamReader(content);
        Uploads.Add((fileName, await reader.ReadToEndAsync(ct)));
        return UploadRefusal is { } refusal
            ? PortalResult<UploadedPriceSheet>.Refused(refusal)
            : PortalResult<UploadedPriceSheet>.Ok(new UploadedPriceSheet("c0ffee0123456789", fileName, 42));
    }

    public Task<PortalResult<SpendAt>> SpendAsOfAsync(SignedInUser who, SpendOwnerKind kind, string owner, DateTimeOffset asOf, CancellationToken ct)
    {
        Lookups.Add((kind, owner, asOf));
        return Task.FromResult(LookupRefusal is { } refusal
            ? PortalResult<SpendAt>.Refused(refusal)
            : PortalResult<SpendAt>.Ok(new SpendAt(new SpendOwner(kind, owner, []), asOf, 0.00004200000000017m, 2, asOf.AddMinutes(-5))));
    }
}
