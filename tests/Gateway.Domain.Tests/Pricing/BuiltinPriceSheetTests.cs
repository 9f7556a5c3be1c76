using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public class BuiltinPriceSheetTests
{
    static readonly PriceSheet Sheet = PriceSheet.Builtin;

    [Fact]
    public void mock_gpt_is_a_chat_model_with_non_zero_input_and_output_prices()
    {
        ModelPrice price = Assert.IsType<ModelPrice>(Sheet.Find("mock-gpt"));

        Assert.Equal("chat", price.Mode);
        Assert.Equal("mock", price.LitellmProvider);
        Assert.True(price.InputCostPerToken > 0m);
        Assert.True(price.OutputCostPerToken > 0m);
    }

    [Fact]
    public void mock_embedding_is_an_embedding_model_with_a_non_zero_input_price()
    {
        ModelPrice price = Assert.IsType<ModelPrice>(Sheet.Find("mock-embedding"));

        Assert.Equal("embedding", price.Mode);
        Assert.True(price.InputCostPerToken > 0m);
    }

    [Fact]
    public void every_entry_has_a_known_mode_and_a_non_negative_input_price()
    {
        Assert.NotEmpty(Sheet.Models);
        foreach (var (name, price) in Sheet.Models)
        {
            Assert.True(price.Mode is "chat" or "embedding" or "completion", $"{name} has mode '{price.Mode}'");
            Assert.True(price.InputCostPerToken is >= 0m, $"{name} has no input price");
            Assert.False(string.IsNullOrEmpty(price.LitellmProvider), $"{name} has no provider");
        }
    }

    [Fact]
    public void every_chat_and_completion_entry_has_an_output_price()
    {
        foreach (var (name, price) in Sheet.Models)
        {
            if (price.Mode is "chat" or "completion")
                Assert.True(price.OutputCostPerToken > 0m, $"{name} has no output price");
        }
    }

    [Theory]
    [InlineData("gpt-4o"), InlineData("gpt-4o-mini"), InlineData("gpt-4.1"), InlineData("gpt-4.1-mini"), InlineData("gpt-4.1-nano")]
    [InlineData("gpt-5"), InlineData("gpt-5-mini"), InlineData("gpt-5-nano"), InlineData("o1"), InlineData("o3"), InlineData("o3-mini")]
    [InlineData("o4-mini"), InlineData("gpt-3.5-turbo-instruct"), InlineData("text-embedding-3-small")]
    [InlineData("text-embedding-3-large"), InlineData("text-embedding-ada-002")]
    [InlineData("claude-opus-4-1"), InlineData("claude-opus-4-1-20250805"), InlineData("claude-opus-4-20250514")]
    [InlineData("claude-sonnet-4-5"), InlineData("claude-sonnet-4-5-20250929"), InlineData("claude-sonnet-4-20250514")]
    [InlineData("claude-3-7-sonnet-20250219"), InlineData("claude-haiku-4-5"), InlineData("claude-haiku-4-5-20251001")]
    [InlineData("claude-3-5-haiku-20241022")]
    [InlineData("gemini/gemini-2.5-pro"), InlineData("gemini/gemini-2.5-flash"), InlineData("gemini/gemini-2.5-flash-lite")]
    [InlineData("gemini/gemini-2.0-flash"), InlineData("gemini/gemini-embedding-001")]
    [InlineData("gemini-2.5-pro"), InlineData("gemini-2.5-flash"), InlineData("gemini-2.5-flash-lite")]
    [InlineData("mistral/mistral-large-latest"), InlineData("mistral/mistral-medium-latest"), InlineData("mistral/mistral-small-latest")]
    [InlineData("mistral/codestral-latest"), InlineData("mistral/mistral-embed")]
    public void prices_the_common_models_under_litellm_names(string model)
    {
        Assert.NotNull(Sheet.Find(model));
    }

    [Fact]
    public void anthropic_models_carry_cache_read_and_cache_creation_prices()
    {
        foreach (var (name, price) in Sheet.Models)
        {
            if (price.LitellmProvider != "anthropic")
                continue;
            Assert.True(price.CacheReadInputTokenCost < price.InputCostPerToken, $"{name}: cache reads are cheaper than input");
            Assert.True(price.CacheCreationInputTokenCost > price.InputCostPerToken, $"{name}: cache writes cost more than input");
        }
    }

    [Fact]
    public void gemini_2_5_pro_has_long_context_rates_above_its_base_rates()
    {
        ModelPrice price = Sheet.Find("gemini/gemini-2.5-pro")!;

        Assert.True(price.InputCostPerTokenAbove200kTokens > price.InputCostPerToken);
        Assert.True(price.OutputCostPerTokenAbove200kTokens > price.OutputCostPerToken);
    }

    [Fact]
    public void is_loaded_once_and_has_a_16_digit_hex_version()
    {
        Assert.Same(PriceSheet.Builtin, PriceSheet.Builtin);
        Assert.Matches("^[0-9a-f]{16}$", Sheet.Version);
    }
}
