namespace Gateway.Portal.Features.Audit;

/// <summary>What an audit recomputes each call's cost with.</summary>
public enum AuditPricesKind
{
    /// <summary>The unit prices each call recorded: recomputed equals recorded unless an event was altered.</summary>
    Recorded,

    /// <summary>The sheet the gateway charges by now.</summary>
    Current,

    /// <summary>A sheet someone uploaded for this recomputation (a new contract), never published.</summary>
    Uploaded,
}

/// <summary>
/// The prices of an audit's recomputation. An uploaded sheet is named by its version (the hash of its prices), which
/// is how the page and its CSV download find the same sheet in <see cref="UploadedPriceSheets"/>.
/// </summary>
public sealed record AuditPrices(AuditPricesKind Kind, string? UploadedVersion = null)
{
    const string UploadedPrefix = "sheet:";

    public static AuditPrices Recorded { get; } = new(AuditPricesKind.Recorded);

    public static AuditPrices Current { get; } = new(AuditPricesKind.Current);

    public static AuditPrices Uploaded(string version) => new(AuditPricesKind.Uploaded, version);

    /// <summary>How a download link says it: <c>recorded</c>, <c>current</c> or <c>sheet:VERSION</c>.</summary>
    public string QueryValue => Kind switch
    {
        AuditPricesKind.Current => "current",
        AuditPricesKind.Uploaded => UploadedPrefix + UploadedVersion,
        _ => "recorded",
    };

    public static AuditPrices? FromQueryValue(string? value) => value switch
    {
        null or "" or "recorded" => Recorded,
        "current" => Current,
        _ when value.StartsWith(UploadedPrefix, StringComparison.Ordinal) && value.Length > UploadedPrefix.Length
            => Uploaded(value[UploadedPrefix.Length..]),
        _ => null,
    };
}
