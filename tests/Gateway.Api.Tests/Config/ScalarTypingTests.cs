using Gateway.Api.Config;

namespace Gateway.Api.Tests.Config;

public sealed class ScalarTypingTests
{
    [Fact]
    public void numbers_written_as_quoted_text_are_accepted_where_a_number_is_expected()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  rpm: "600"
                  tpm: '100_000'
                  weight: "0.5"
                  order: "1"
                  max_parallel_requests: "10"
                  timeout: "30"
                  stream_timeout: '7.5'
                  input_cost_per_token: "0.0000025"
                  output_cost_per_token: 1e-05
                model_info: {max_input_tokens: "128000", max_output_tokens: 16384}
            router_settings: {num_retries: "3", cooldown_time: "5"}
            general_settings: {max_request_size_mb: "32"}
            """);

        var parameters = config.ModelList[0].Params;
        Assert.Equal(600, parameters.Rpm);
        Assert.Equal(100_000, parameters.Tpm);
        Assert.Equal(0.5, parameters.Weight);
        Assert.Equal(1, parameters.Order);
        Assert.Equal(10, parameters.MaxParallelRequests);
        Assert.Equal(30.0, parameters.Timeout);
        Assert.Equal(7.5, parameters.StreamTimeout);
        Assert.Equal(0.0000025m, parameters.InputCostPerToken);
        Assert.Equal(0.00001m, parameters.OutputCostPerToken);
        Assert.Equal(128_000, config.ModelList[0].Info.MaxInputTokens);
        Assert.Equal(16_384, config.ModelList[0].Info.MaxOutputTokens);
        Assert.Equal(3, config.Router.NumRetries);
        Assert.Equal(5.0, config.Router.CooldownTime);
        Assert.Equal(32.0, config.General.MaxRequestSizeMb);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("\"true\"", true)]
    [InlineData("'True'", true)]
    [InlineData("yes", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("\"false\"", false)]
    [InlineData("off", false)]
    public void booleans_are_read_in_any_case_quoted_or_not(string written, bool expected)
    {
        var config = ConfigText.Parse($"litellm_settings:\n  drop_params: {written}\n");

        Assert.Equal(expected, config.Litellm.DropParams);
    }

    [Fact]
    public void a_whole_number_written_with_a_fraction_of_zero_or_an_exponent_is_accepted()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: m
                litellm_params: {model: openai/m, rpm: 600.0, tpm: 1e6}
            """);

        Assert.Equal(600, config.ModelList[0].Params.Rpm);
        Assert.Equal(1_000_000, config.ModelList[0].Params.Tpm);
    }

    [Fact]
    public void unknown_params_are_kept_in_extra_with_yaml_types()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  temperature: 0.2
                  max_retries: 5
                  stream: false
                  seed: ~
                  region_name: eu-west-1
                  quoted_number: "42"
                  user_agent: 'True'
                  extra_headers: {X-Team: blue, X-Priority: 3}
                  stop: ["\n\n", END]
                model_info:
                  id: gpt-4o-eu
                  supports_vision: true
                  input_cost_per_token: 2.5e-06
            """);

        var extra = config.ModelList[0].Params.Extra;
        Assert.Equal(0.2, Assert.IsType<double>(extra["temperature"]));
        Assert.Equal(5L, Assert.IsType<long>(extra["max_retries"]));
        Assert.False(Assert.IsType<bool>(extra["stream"]));
        Assert.True(extra.ContainsKey("seed"));
        Assert.Null(extra["seed"]);
        Assert.Equal("eu-west-1", extra["region_name"]);
        Assert.Equal("42", extra["quoted_number"]);
        Assert.Equal("True", extra["user_agent"]);
        var headers = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(extra["extra_headers"]);
        Assert.Equal("blue", headers["X-Team"]);
        Assert.Equal(3L, headers["X-Priority"]);
        Assert.Equal(["\n\n", "END"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(extra["stop"]));
        Assert.False(extra.ContainsKey("model"));
        Assert.False(extra.ContainsKey("temperature_typo"));

        var info = config.ModelList[0].Info;
        Assert.Equal("gpt-4o-eu", info.Id);
        Assert.True(Assert.IsType<bool>(info.Extra["supports_vision"]));
        Assert.Equal(2.5e-06, Assert.IsType<double>(info.Extra["input_cost_per_token"]));
        Assert.False(info.Extra.ContainsKey("id"));
    }

    [Fact]
    public void a_yaml_merge_key_shares_params_between_deployments()
    {
        var config = ConfigText.Parse("""
            x-defaults: &azure
              api_version: "2024-10-21"
              rpm: 100
              temperature: 0
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  <<: *azure
                  model: azure/gpt-4o-eu
                  rpm: 600
            """);

        var parameters = config.ModelList[0].Params;
        Assert.Equal("2024-10-21", parameters.ApiVersion);
        Assert.Equal(600, parameters.Rpm);
        Assert.Equal(0L, parameters.Extra["temperature"]);
        Assert.False(parameters.Extra.ContainsKey("<<"));
    }

    [Fact]
    public void empty_sections_and_empty_values_leave_settings_unset()
    {
        var config = ConfigText.Parse("""
            model_list:
            router_settings:
            litellm_settings: {drop_params: }
            general_settings: {master_key: null, price_sheet: ~}
            """);

        Assert.Empty(config.ModelList);
        Assert.Null(config.Router.RoutingStrategy);
        Assert.False(config.Litellm.DropParams);
        Assert.Null(config.General.MasterKey);
        Assert.Null(config.General.PriceSheet);
        Assert.Empty(config.Warnings);
    }
}
