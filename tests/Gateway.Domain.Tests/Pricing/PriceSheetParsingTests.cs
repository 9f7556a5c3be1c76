using System.Text;
using Gateway.Domain.Pricing;

namespace Gateway.Domain.Tests.Pricing;

public class PriceSheetParsingTests
{
    // The shape of LiteLLM's model_prices_and_context_window.json: a sample_spec whose values are prose,
    // and entries full of fields that are not token prices.
    const string LiteLlmShaped = """
        {
            "sample_spec": {
                "input_cost_per_token": 0.0,
                "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
                "max_input_tokens": "max input tokens, if the provider specifies it. if not default to max_tokens",
                "max_tokens": "LEGACY parameter. set to max_output_tokens if provider specifies it.",
                "mode": "one of: chat, embedding, completion, image_generation"
            },
            "claude-sonnet-4-5": {
                "cache_creation_input_token_cost": 3.75e-06,
                "cache_creation_input_token_cost_above_1hr": 6e-06,
                "cache_read_input_token_cost": 3e-07,
                "input_cost_per_token": 3e-06,
                "input_cost_per_token_above_200k_tokens": 6e-06,
                "litellm_provider": "anthropic",
                "max_input_tokens": 200000,
                "max_output_tokens": 64000,
                "max_tokens": 64000,
                "mode": "chat",
                "output_cost_per_token": 1.5e-05,
                "output_cost_per_token_above_200k_tokens": 2.25e-05,
                "search_context_cost_per_query": { "search_context_size_low": 0.01 },
                "supported_endpoints": ["/v1/chat/completions"],
                "supports_function_calling": true
            },
            "gemini/gemini-2.5-flash": {
                "input_cost_per_token": 3e-07,
                "litellm_provider": "gemini",
                "mode": "chat",
                "output_cost_per_reasoning_token": 2.5e-06,
                "output_cost_per_token": 2.5e-06
            }
        }
        """;

    [Fact]
    public void reads_litellm_entries_with_their_prices_and_limits()
    {
        PriceSheet sheet = PriceSheet.Parse(LiteLlmShaped);

        Assert.Equal(
            new ModelPrice
            {
                LitellmProvider = "anthropic",
                Mode = "chat",
                MaxInputTokens = 200_000,
                MaxOutputTokens = 64_000,
                MaxTokens = 64_000,
                InputCostPerToken = 0.000003m,
                OutputCostPerToken = 0.000015m,
                CacheReadInputTokenCost = 0.0000003m,
                CacheCreationInputTokenCost = 0.00000375m,
                InputCostPerTokenAbove200kTokens = 0.000006m,
                OutputCostPerTokenAbove200kTokens = 0.0000225m,
            },
            sheet.Models["claude-sonnet-4-5"]);
        Assert.Equal(0.0000025m, sheet.Models["gemini/gemini-2.5-flash"].OutputCostPerReasoningToken);
    }

    [Fact]
    public void skips_the_sample_spec_entry()
    {
        PriceSheet sheet = PriceSheet.Parse(LiteLlmShaped);

        Assert.False(sheet.Models.ContainsKey("sample_spec"));
        Assert.Equal(2, sheet.Models.Count);
    }

    [Fact]
    public void skips_top_level_values_that_are_not_objects()
    {
        PriceSheet sheet = PriceSheet.Parse("""
            { "_comment": "team overrides", "version": 3, "list": [1], "mock-gpt": { "input_cost_per_token": 1e-06 } }
            """);

        Assert.Equal(["mock-gpt"], sheet.Models.Keys);
    }

    [Fact]
    public void a_price_that_is_not_a_number_is_reported_with_the_model_and_field()
    {
        var error = Assert.Throws<FormatException>(() => PriceSheet.Parse("""
            { "gpt-4o": { "input_cost_per_token": 2.5e-06 }, "team-llama": { "output_cost_per_token": "cheap" } }
            """));

        Assert.Contains("team-llama", error.Message);
        Assert.Contains("output_cost_per_token", error.Message);
        Assert.Contains("cheap", error.Message);
    }

    [Fact]
    public void a_negative_price_is_rejected()
    {
        var error = Assert.Throws<FormatException>(() => PriceSheet.Parse("""{ "m": { "input_cost_per_token": -1e-06 } }"""));

        Assert.Contains("\"m\"", error.Message);
        Assert.Contains("input_cost_per_token", error.Message);
    }

    [Fact]
    public void a_token_limit_that_is_not_a_number_is_reported_with_the_model_and_field()
    {
        var error = Assert.Throws<FormatException>(() => PriceSheet.Parse("""{ "m": { "max_input_tokens": "lots" } }"""));

        Assert.Contains("\"m\"", error.Message);
        Assert.Contains("max_input_tokens", error.Message);
    }

    [Fact]
    public void broken_json_is_a_format_error_that_says_where()
    {
        var error = Assert.Throws<FormatException>(() => PriceSheet.Parse("{\n  \"m\": { \"input_cost_per_token\": 1e-06,, }\n}"));

        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void a_document_that_is_not_an_object_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => PriceSheet.Parse("[]"));
    }

    [Fact]
    public void reads_utf8_bytes_with_a_byte_order_mark()
    {
        byte[] json = [.. Encoding.UTF8.GetPreamble(), .. """{ "m": { "input_cost_per_token": 1e-06 } }"""u8];

        PriceSheet sheet = PriceSheet.Parse(json);

        Assert.Equal(0.000001m, sheet.Models["m"].InputCostPerToken);
    }

    [Fact]
    public void null_values_mean_not_priced_and_fractional_limits_are_taken_whole()
    {
        PriceSheet sheet = PriceSheet.Parse("""
            { "m": { "input_cost_per_token": null, "mode": null, "max_input_tokens": 128000.0, "max_output_tokens": 1e4 } }
            """);

        ModelPrice price = sheet.Models["m"];
        Assert.Null(price.InputCostPerToken);
        Assert.Null(price.Mode);
        Assert.Equal(128_000, price.MaxInputTokens);
        Assert.Equal(10_000, price.MaxOutputTokens);
    }

    [Fact]
    public void a_price_serialised_with_system_text_json_reads_back_through_the_sheet()
    {
        var price = new ModelPrice
        {
            LitellmProvider = "openai",
            Mode = "chat",
            MaxInputTokens = 1,
            MaxOutputTokens = 2,
            MaxTokens = 3,
            InputCostPerToken = 0.1m,
            OutputCostPerToken = 0.2m,
            OutputCostPerReasoningToken = 0.3m,
            CacheReadInputTokenCost = 0.4m,
            CacheCreationInputTokenCost = 0.5m,
            InputCostPerTokenAbove200kTokens = 0.6m,
            OutputCostPerTokenAbove200kTokens = 0.7m,
        };

        // Events store ModelPrice through a serializer; its field names must be the ones the sheet reads.
        string json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, ModelPrice> { ["m"] = price });

        Assert.Equal(price, PriceSheet.Parse(json).Models["m"]);
    }
}
