namespace Gateway.Domain.Pricing;

/// <summary>
/// The sheet a gateway charges by, and whether starting to charge by it is a new fact. Layers, each over the one
/// before: the built-in sheet, the last imported one (<see cref="PriceSheetImported"/>), the configured file
/// (<c>general_settings.price_sheet</c> or <c>GATEWAY_PRICE_SHEET</c>). Pure, so the server, the CLI and tests agree.
/// </summary>
public sealed record ActivePriceSheet(PriceSheet Sheet, string Source)
{
    public const string BuiltinSource = "built-in";

    public static ActivePriceSheet Compose(PriceSheet builtin, PriceSheetImported? imported, PriceSheet? configured, string? configuredPath)
    {
        var sheet = builtin;
        var source = BuiltinSource;
        if (imported is not null)
        {
            sheet = sheet.MergedWith(PriceSheet.From(imported.Models));
            source += $" + import {imported.Version} ({imported.File})";
        }
        if (configured is not null)
        {
            sheet = sheet.MergedWith(configured);
            source += $" + {configuredPath ?? "configured price sheet"}";
        }
        return new ActivePriceSheet(sheet, source);
    }

    /// <summary>The publication to append, or null when the last published sheet is already this one.</summary>
    public PriceSheetPublished? PublishUnlessCurrent(string? lastPublishedVersion, DateTimeOffset now, string by) =>
        lastPublishedVersion == Sheet.Version
            ? null
            : new PriceSheetPublished(Sheet.Version, Sheet.Models, Source, now, by);
}
