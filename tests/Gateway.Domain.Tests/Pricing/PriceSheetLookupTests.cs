using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public class PriceSheetLookupTests
{
    static ModelPrice Priced(decimal input) => new() { InputCostPerToken = input };

    static readonly PriceSheet Sheet = PriceSheet.From(new Dictionary<string, ModelPrice>
    {
        ["gpt-4o"] = Priced(1m),
        ["gpt-4o-mini"] = Priced(2m),
        ["gemini/gemini-2.5-pro"] = Priced(3m),
        ["gemini-2.5-pro"] = Priced(4m),
        ["meta-llama/Llama-3.1-8B-Instruct"] = Priced(5m),
        ["Llama-3.1-8B-Instruct"] = Priced(6m),
        ["azure/gpt-4o"] = Priced(7m),
    });

    [Fact]
    public void find_returns_the_first_candidate_the_sheet_has()
    {
        Assert.Equal(2m, Sheet.Find("unknown", "gpt-4o-mini", "gpt-4o")?.InputCostPerToken);
    }

    [Fact]
    public void find_skips_null_and_empty_candidates()
    {
        Assert.Equal(1m, Sheet.Find(null, "", "gpt-4o")?.InputCostPerToken);
    }

    [Fact]
    public void find_returns_null_when_no_candidate_is_priced()
    {
        Assert.Null(Sheet.Find("unknown", null));
        Assert.Null(Sheet.Find());
    }

    [Fact]
    public void find_over_a_sequence_keeps_the_same_order()
    {
        List<string?> candidates = [null, "unknown", "gpt-4o", "gpt-4o-mini"];

        Assert.Equal(1m, Sheet.Find(candidates)?.InputCostPerToken);
    }

    [Fact]
    public void lookup_is_exact_and_case_sensitive()
    {
        Assert.Null(Sheet.Find("GPT-4o"));
        Assert.Null(Sheet.Find("gpt-4o-2024-08-06"));
        Assert.Null(Sheet.FindForModel(null, "openai/GPT-4o"));
    }

    [Fact]
    public void the_base_model_wins_over_the_provider_model()
    {
        Assert.Equal(2m, Sheet.FindForModel("gpt-4o-mini", "openai/gpt-4o")?.InputCostPerToken);
    }

    [Fact]
    public void a_base_model_with_a_provider_prefix_falls_back_to_the_bare_name()
    {
        Assert.Equal(2m, Sheet.FindForModel("azure/gpt-4o-mini", "azure/my-eu-deployment")?.InputCostPerToken);
    }

    [Fact]
    public void an_unpriced_base_model_falls_back_to_the_provider_model()
    {
        Assert.Equal(1m, Sheet.FindForModel("my-own-name", "openai/gpt-4o")?.InputCostPerToken);
        Assert.Equal(1m, Sheet.FindForModel("", "openai/gpt-4o")?.InputCostPerToken);
    }

    [Fact]
    public void the_full_provider_model_name_wins_over_the_bare_model_name()
    {
        Assert.Equal(3m, Sheet.FindForModel(null, "gemini/gemini-2.5-pro")?.InputCostPerToken);
        Assert.Equal(7m, Sheet.FindForModel(null, "azure/gpt-4o")?.InputCostPerToken);
    }

    [Fact]
    public void the_model_after_the_provider_prefix_is_tried_next()
    {
        Assert.Equal(1m, Sheet.FindForModel(null, "openai/gpt-4o")?.InputCostPerToken);
        Assert.Equal(4m, Sheet.FindForModel(null, "vertex_ai/gemini-2.5-pro")?.InputCostPerToken);
    }

    [Fact]
    public void the_part_after_the_first_slash_wins_over_the_part_after_the_last()
    {
        Assert.Equal(5m, Sheet.FindForModel(null, "hosted_vllm/meta-llama/Llama-3.1-8B-Instruct")?.InputCostPerToken);
    }

    [Fact]
    public void the_part_after_the_last_slash_is_tried_last()
    {
        Assert.Equal(1m, Sheet.FindForModel(null, "openrouter/openai/gpt-4o")?.InputCostPerToken);
    }

    [Fact]
    public void an_unknown_model_has_no_price()
    {
        Assert.Null(Sheet.FindForModel(null, "openai/gpt-9"));
        Assert.Null(Sheet.FindForModel("nope", "nope/"));
    }

    [Fact]
    public void the_builtin_sheet_prices_litellm_style_model_names()
    {
        PriceSheet builtin = PriceSheet.Builtin;

        Assert.Same(builtin.Find("gpt-4o"), builtin.FindForModel(null, "openai/gpt-4o"));
        Assert.Same(builtin.Find("gpt-4o"), builtin.FindForModel("azure/gpt-4o", "azure/gpt-4o-eu"));
        Assert.Same(builtin.Find("claude-sonnet-4-5"), builtin.FindForModel(null, "anthropic/claude-sonnet-4-5"));
        Assert.Same(builtin.Find("gemini/gemini-2.5-flash"), builtin.FindForModel(null, "gemini/gemini-2.5-flash"));
        Assert.Same(builtin.Find("gemini-2.5-flash"), builtin.FindForModel(null, "vertex_ai/gemini-2.5-flash"));
        Assert.Same(builtin.Find("mock-gpt"), builtin.FindForModel(null, "mock-gpt"));
    }
}
