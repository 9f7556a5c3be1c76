namespace Gateway.Domain.Audit;

/// <summary>
/// The result of an audit: totals, rows (by day, key, team and model), and what a reader must know to trust them.
/// </summary>
/// <param name="NotYetProjected">
/// Calls of the period the daemon had not projected yet when the audit read the store; they count in
/// <see cref="AuditTotals.ProjectedCost"/> from the events themselves, so a lagging daemon is not reported as a
/// broken projection.
/// </param>
/// <param name="RecordedPriceSheets">The price-sheet versions the calls of the period recorded, in order.</param>
/// <param name="PriceSheetVersion">The version of the sheet recomputed with; null when each call's recorded prices were used.</param>
/// <param name="KeptRecordedPrices">Calls the given sheet has no price for, recomputed with their recorded prices.</param>
/// <param name="ModelsNotInSheet">The model groups of those calls.</param>
public sealed record AuditReport(
    AuditQuery Query,
    AuditTotals Totals,
    IReadOnlyList<AuditRow> Rows,
    long NotYetProjected,
    IReadOnlyList<string> RecordedPriceSheets,
    string? PriceSheetVersion,
    long KeptRecordedPrices,
    IReadOnlyList<string> ModelsNotInSheet)
{
    /// <summary>The rows whose projected cost is not their recorded cost.</summary>
    public IReadOnlyList<AuditRow> Disagreements => Rows.Where(row => !row.ProjectionAgrees).ToList();

    public bool ProjectionsAgree => Rows.All(row => row.ProjectionAgrees);
}
