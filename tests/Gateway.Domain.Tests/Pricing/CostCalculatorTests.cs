using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public class CostCalculatorTests
{
    static readonly ModelPrice InputAndOutput = new() { InputCostPerToken = 0.000001m, OutputCostPerToken = 0.000002m };

    [Fact]
    public void prompt_and_completion_tokens_are_priced_at_the_input_and_output_rates()
    {
        decimal cost = CostCalculator.Compute(new TokenUsage(1_000, 500), InputAndOutput);

        Assert.Equal(0.001m + 0.001m, cost);
    }

    [Fact]
    public void cached_tokens_are_priced_at_the_cache_read_rate_and_the_rest_of_the_prompt_at_the_input_rate()
    {
        var price = InputAndOutput with { CacheReadInputTokenCost = 0.0000001m };

        decimal cost = CostCalculator.Compute(new TokenUsage(1_000, 0, CachedTokens: 400), price);

        Assert.Equal(600 * 0.000001m + 400 * 0.0000001m, cost);
    }

    [Fact]
    public void cached_tokens_fall_back_to_the_input_rate_when_the_model_has_no_cache_read_price()
    {
        decimal cost = CostCalculator.Compute(new TokenUsage(1_000, 0, CachedTokens: 400), InputAndOutput);

        Assert.Equal(1_000 * 0.000001m, cost);
    }

    [Fact]
    public void cache_creation_tokens_are_priced_at_the_cache_creation_rate()
    {
        var price = new ModelPrice { InputCostPerToken = 0.000003m, CacheCreationInputTokenCost = 0.00000375m };

        decimal cost = CostCalculator.Compute(new TokenUsage(1_000, 0, CacheCreationTokens: 300), price);

        Assert.Equal(700 * 0.000003m + 300 * 0.00000375m, cost);
    }

    [Fact]
    public void cache_creation_tokens_fall_back_to_the_input_rate()
    {
        decimal cost = CostCalculator.Compute(new TokenUsage(1_000, 0, CacheCreationTokens: 300), InputAndOutput);

        Assert.Equal(1_000 * 0.000001m, cost);
    }

    [Fact]
    public void cached_and_cache_creation_tokens_are_each_taken_out_of_the_prompt_once()
    {
        var price = new ModelPrice
        {
            InputCostPerToken = 0.000003m,
            CacheReadInputTokenCost = 0.0000003m,
            CacheCreationInputTokenCost = 0.00000375m,
        };

        decimal cost = CostCalculator.Compute(new TokenUsage(10_000, 0, CachedTokens: 6_000, CacheCreationTokens: 1_000), price);

        Assert.Equal(3_000 * 0.000003m + 6_000 * 0.0000003m + 1_000 * 0.00000375m, cost);
    }

    [Fact]
    public void reasoning_tokens_are_priced_at_the_reasoning_rate_and_the_rest_of_the_completion_at_the_output_rate()
    {
        var price = new ModelPrice { OutputCostPerToken = 0.0000004m, OutputCostPerReasoningToken = 0.000001m };

        decimal cost = CostCalculator.Compute(new TokenUsage(0, 1_000, ReasoningTokens: 600), price);

        Assert.Equal(400 * 0.0000004m + 600 * 0.000001m, cost);
    }

    [Fact]
    public void reasoning_tokens_are_priced_at_the_output_rate_when_the_model_has_no_reasoning_price()
    {
        decimal cost = CostCalculator.Compute(new TokenUsage(0, 1_000, ReasoningTokens: 600), InputAndOutput);

        // Reasoning is part of the completion count: charged once, not on top of it.
        Assert.Equal(1_000 * 0.000002m, cost);
    }

    static readonly ModelPrice Tiered = new()
    {
        InputCostPerToken = 0.00000125m,
        OutputCostPerToken = 0.00001m,
        CacheReadInputTokenCost = 0.000000125m,
        InputCostPerTokenAbove200kTokens = 0.0000025m,
        OutputCostPerTokenAbove200kTokens = 0.000015m,
    };

    [Fact]
    public void a_prompt_above_200k_tokens_uses_the_long_context_rates_for_input_and_output()
    {
        decimal cost = CostCalculator.Compute(new TokenUsage(250_000, 1_000), Tiered);

        Assert.Equal(250_000 * 0.0000025m + 1_000 * 0.000015m, cost);
    }

    [Fact]
    public void a_prompt_of_exactly_200k_tokens_uses_the_base_rates()
    {
        decimal cost = CostCalculator.Compute(new TokenUsage(200_000, 1_000), Tiered);

        Assert.Equal(200_000 * 0.00000125m + 1_000 * 0.00001m, cost);
    }

    [Fact]
    public void cached_tokens_of_a_long_prompt_stay_at_the_cache_read_rate()
    {
        decimal cost = CostCalculator.Compute(new TokenUsage(250_000, 0, CachedTokens: 50_000), Tiered);

        Assert.Equal(200_000 * 0.0000025m + 50_000 * 0.000000125m, cost);
    }

    [Fact]
    public void a_long_prompt_uses_the_base_rates_when_the_model_has_no_long_context_rates()
    {
        decimal cost = CostCalculator.Compute(new TokenUsage(250_000, 1_000), InputAndOutput);

        Assert.Equal(250_000 * 0.000001m + 1_000 * 0.000002m, cost);
    }

    [Fact]
    public void missing_rates_count_as_zero()
    {
        var inputOnly = new ModelPrice { InputCostPerToken = 0.00000002m };

        Assert.Equal(1_000 * 0.00000002m, CostCalculator.Compute(new TokenUsage(1_000, 500, CachedTokens: 10, ReasoningTokens: 5), inputOnly));
        Assert.Equal(0m, CostCalculator.Compute(new TokenUsage(1_000, 500), new ModelPrice()));
    }

    [Fact]
    public void inconsistent_counts_from_a_provider_never_produce_a_negative_cost()
    {
        var price = InputAndOutput with { CacheReadInputTokenCost = 0.0000001m };

        decimal cost = CostCalculator.Compute(new TokenUsage(100, -5, CachedTokens: 300, ReasoningTokens: 50), price);

        // Cached tokens cannot exceed the prompt; a negative completion counts as none.
        Assert.Equal(100 * 0.0000001m, cost);
    }

    [Fact]
    public void the_builtin_gpt_4o_price_gives_the_published_cost_of_a_typical_call()
    {
        ModelPrice gpt4o = PriceSheet.Builtin.Find("gpt-4o")!;

        decimal cost = CostCalculator.Compute(new TokenUsage(1_000, 200), gpt4o);

        // $2.50 per million input tokens, $10 per million output tokens.
        Assert.Equal(0.0045m, cost);
    }
}
