using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public class PriceSheetVersionTests
{
    const string Sheet = """
        {
            "gpt-4o": { "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "mode": "chat" },
            "mock-embedding": { "input_cost_per_token": 2e-08, "mode": "embedding" }
        }
        """;

    [Fact]
    public void the_same_prices_written_differently_give_the_same_version()
    {
        // Other key order, field order, number spelling and whitespace; plus fields the sheet does not price.
        const string sameContent = """
            {"mock-embedding":{"mode":"embedding","input_cost_per_token":0.00000002,"supports_vision":false},
             "gpt-4o":{"mode":"chat","output_cost_per_token":1.0e-5,"input_cost_per_token":0.0000025000}}
            """;

        Assert.Equal(PriceSheet.Parse(Sheet).Version, PriceSheet.Parse(sameContent).Version);
    }

    [Fact]
    public void parsing_the_same_text_twice_gives_the_same_version()
    {
        Assert.Equal(PriceSheet.Parse(Sheet).Version, PriceSheet.Parse(Sheet).Version);
    }

    [Theory]
    [InlineData("2.5e-06", "2.6e-06")]
    [InlineData("\"mode\": \"chat\"", "\"mode\": \"completion\"")]
    [InlineData("\"mode\": \"chat\"", "\"mode\": \"chat\", \"cache_read_input_token_cost\": 1.25e-06")]
    [InlineData("\"gpt-4o\"", "\"gpt-4o-2024-08-06\"")]
    public void any_change_to_the_prices_gives_another_version(string before, string after)
    {
        string changed = Sheet.Replace(before, after, StringComparison.Ordinal);
        Assert.NotEqual(Sheet, changed);

        Assert.NotEqual(PriceSheet.Parse(Sheet).Version, PriceSheet.Parse(changed).Version);
    }

    [Fact]
    public void a_zero_price_differs_from_a_missing_price()
    {
        string withZero = PriceSheet.Parse("""{ "m": { "output_cost_per_token": 0.0 } }""").Version;
        string without = PriceSheet.Parse("""{ "m": { } }""").Version;

        Assert.NotEqual(withZero, without);
    }

    [Fact]
    public void an_empty_sheet_has_a_version_too()
    {
        Assert.Equal(PriceSheet.Empty.Version, PriceSheet.Parse("{}").Version);
        Assert.Matches("^[0-9a-f]{16}$", PriceSheet.Empty.Version);
    }
}
