using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public class PriceSheetMergeTests
{
    static readonly PriceSheet Base = PriceSheet.Parse("""
        {
            "gpt-4o": { "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06 },
            "gpt-4o-mini": { "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07 }
        }
        """);

    static readonly PriceSheet Overrides = PriceSheet.Parse("""
        {
            "gpt-4o": { "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06 },
            "local-llama": { "input_cost_per_token": 0.0, "output_cost_per_token": 0.0 }
        }
        """);

    [Fact]
    public void an_override_replaces_the_models_whole_entry()
    {
        PriceSheet merged = Base.MergedWith(Overrides);

        ModelPrice gpt4o = merged.Models["gpt-4o"];
        Assert.Equal(0.000002m, gpt4o.InputCostPerToken);
        Assert.Equal(0.000008m, gpt4o.OutputCostPerToken);
        Assert.Null(gpt4o.CacheReadInputTokenCost);
    }

    [Fact]
    public void models_only_in_one_sheet_are_kept()
    {
        PriceSheet merged = Base.MergedWith(Overrides);

        Assert.Equal(["gpt-4o", "gpt-4o-mini", "local-llama"], merged.Models.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Base.Models["gpt-4o-mini"], merged.Models["gpt-4o-mini"]);
    }

    [Fact]
    public void merging_leaves_both_sheets_as_they_were()
    {
        string baseVersion = Base.Version;

        PriceSheet merged = Base.MergedWith(Overrides);

        Assert.Equal(baseVersion, Base.Version);
        Assert.Equal(0.0000025m, Base.Models["gpt-4o"].InputCostPerToken);
        Assert.False(Base.Models.ContainsKey("local-llama"));
        Assert.NotEqual(baseVersion, merged.Version);
    }

    [Fact]
    public void merging_an_empty_sheet_changes_nothing()
    {
        Assert.Equal(Base.Version, Base.MergedWith(PriceSheet.Empty).Version);
    }

    [Fact]
    public void a_merged_sheet_has_the_version_of_the_same_prices_parsed_directly()
    {
        PriceSheet direct = PriceSheet.Parse("""
            {
                "gpt-4o": { "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06 },
                "gpt-4o-mini": { "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07 },
                "local-llama": { "input_cost_per_token": 0.0, "output_cost_per_token": 0.0 }
            }
            """);

        Assert.Equal(direct.Version, Base.MergedWith(Overrides).Version);
    }
}
