using System.Text.Json;
using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public class PriceSheetExportTests
{
    [Fact]
    public void the_builtin_sheet_reads_back_from_its_export_with_the_same_version_and_prices()
    {
        PriceSheet builtin = PriceSheet.Builtin;

        PriceSheet reread = PriceSheet.Parse(builtin.ToLiteLlmJson());

        Assert.Equal(builtin.Version, reread.Version);
        Assert.Equal(builtin.Models.Count, reread.Models.Count);
        foreach (var (name, price) in builtin.Models)
            Assert.Equal(price, reread.Models[name]);
    }

    [Fact]
    public void an_export_uses_litellm_field_names_and_sorted_model_names()
    {
        PriceSheet sheet = PriceSheet.From(new Dictionary<string, ModelPrice>
        {
            ["zeta"] = new() { Mode = "chat", InputCostPerToken = 0.0000015m, MaxInputTokens = 8_192 },
            ["alpha+beta"] = new() { Mode = "embedding", InputCostPerToken = 0.00000002m },
        });

        string json = sheet.ToLiteLlmJson();

        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Equal(["alpha+beta", "zeta"], document.RootElement.EnumerateObject().Select(p => p.Name));
        JsonElement zeta = document.RootElement.GetProperty("zeta");
        Assert.Equal(0.0000015m, zeta.GetProperty("input_cost_per_token").GetDecimal());
        Assert.Equal(8_192, zeta.GetProperty("max_input_tokens").GetInt32());
        Assert.Equal("chat", zeta.GetProperty("mode").GetString());
        Assert.False(zeta.TryGetProperty("output_cost_per_token", out _), "missing prices stay missing, not zero");
    }

    [Fact]
    public void a_merged_sheet_survives_the_round_trip()
    {
        PriceSheet merged = PriceSheet.Builtin.MergedWith(PriceSheet.Parse("""
            { "local-llama": { "input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "mode": "chat" } }
            """));

        Assert.Equal(merged.Version, PriceSheet.Parse(merged.ToLiteLlmJson()).Version);
    }
}
