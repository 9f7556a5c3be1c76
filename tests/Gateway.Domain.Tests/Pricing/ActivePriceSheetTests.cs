using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public class ActivePriceSheetTests
{
    static readonly DateTimeOffset Now = new(2025, 10, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly PriceSheet Builtin = PriceSheet.From([
        new("gpt-4o", new ModelPrice { InputCostPerToken = 1m }),
        new("claude", new ModelPrice { InputCostPerToken = 2m }),
    ]);

    static PriceSheetImported Imported(params (string Model, decimal Input)[] prices)
    {
        var sheet = PriceSheet.From(prices.Select(p => KeyValuePair.Create(p.Model, new ModelPrice { InputCostPerToken = p.Input })));
        return new PriceSheetImported(sheet.Version, sheet.Models, "contract.json", Now, "finance");
    }

    [Fact]
    public void an_import_lies_over_the_builtin_sheet_and_a_configured_file_over_both()
    {
        var configured = PriceSheet.From([new("claude", new ModelPrice { InputCostPerToken = 5m })]);

        var active = ActivePriceSheet.Compose(Builtin, Imported(("gpt-4o", 3m), ("claude", 4m)), configured, "/etc/prices.json");

        Assert.Equal(3m, active.Sheet.Find("gpt-4o")!.InputCostPerToken);
        Assert.Equal(5m, active.Sheet.Find("claude")!.InputCostPerToken);
        Assert.Contains("import", active.Source, StringComparison.Ordinal);
        Assert.EndsWith("/etc/prices.json", active.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void with_nothing_imported_or_configured_the_builtin_sheet_is_active()
    {
        var active = ActivePriceSheet.Compose(Builtin, null, null, null);

        Assert.Equal(Builtin.Version, active.Sheet.Version);
        Assert.Equal(ActivePriceSheet.BuiltinSource, active.Source);
    }

    [Fact]
    public void a_sheet_is_published_only_when_it_is_not_the_last_published_one()
    {
        var active = ActivePriceSheet.Compose(Builtin, null, null, null);

        var first = active.PublishUnlessCurrent(null, Now, "node-1");
        var again = active.PublishUnlessCurrent(Builtin.Version, Now, "node-1");
        var changed = ActivePriceSheet.Compose(Builtin, Imported(("gpt-4o", 3m)), null, null).PublishUnlessCurrent(Builtin.Version, Now, "node-1");

        Assert.NotNull(first);
        Assert.Equal(Builtin.Version, first.Version);
        Assert.Null(again);
        Assert.NotNull(changed);
        Assert.NotEqual(Builtin.Version, changed.Version);
    }

    [Fact]
    public void a_published_sheet_carries_its_content_so_its_version_can_be_checked()
    {
        var published = ActivePriceSheet.Compose(Builtin, Imported(("gpt-4o", 3m)), null, null).PublishUnlessCurrent(null, Now, "node-1")!;

        Assert.Equal(published.Version, PriceSheet.From(published.Models).Version);
    }
}
