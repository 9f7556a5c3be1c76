using Gateway.Api.Config;

namespace Gateway.Api.Tests.Config;

public sealed class ConfigErrorTests
{
    [Fact]
    public void the_message_names_file_line_field_and_reason()
    {
        var error = ConfigText.Rejects("""
            # gateway config
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_key: os.environ/OPENAI_API_KEY

              - model_name: gpt-4o-mini
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_key: os.environ/OPENAI_API_KEY
                  # a typo for a number
                  tpm: 10000
                  rpm: fast
            """, ("OPENAI_API_KEY", "sk-x"));

        Assert.Equal("config.yaml:14: model_list[1].litellm_params.rpm: expected a whole number, got 'fast'", error.Message);
        Assert.Equal("model_list[1].litellm_params.rpm", error.Field);
        Assert.Equal(14, error.Line);
        Assert.Equal("expected a whole number, got 'fast'", error.Reason);
    }

    [Fact]
    public void invalid_yaml_reports_the_line_yamldotnet_found()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                 rpm: 10
            """);

        Assert.Equal("", error.Field);
        Assert.Equal(5, error.Line);
        Assert.Equal("invalid YAML: While parsing a block mapping, did not find expected key.", error.Reason);
        Assert.StartsWith("config.yaml:5: invalid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void an_unclosed_mapping_that_confuses_yamldotnet_still_gets_a_line()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o
            router_settings:
              num_retries: 2
            """);

        Assert.Equal("", error.Field);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("invalid YAML: ", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void a_key_written_twice_is_invalid_yaml()
    {
        var error = ConfigText.Rejects("""
            general_settings:
              master_key: sk-1
              master_key: sk-2
            """);

        Assert.Equal(3, error.Line);
        Assert.Contains("Duplicate key", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void the_top_level_must_be_a_mapping()
    {
        var error = ConfigText.Rejects("""
            - model_name: gpt-4o
              litellm_params: {model: openai/gpt-4o}
            """);

        Assert.Equal("", error.Field);
        Assert.Equal(1, error.Line);
        Assert.Equal("expected a mapping of settings such as model_list and general_settings, got a list", error.Reason);
    }

    [Fact]
    public void two_yaml_documents_are_rejected()
    {
        var error = ConfigText.Rejects("model_list: []\n---\nrouter_settings: {}\n");

        Assert.Equal("", error.Field);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void model_list_must_be_a_list()
    {
        var error = ConfigText.Rejects("""
            model_list:
              gpt-4o:
                litellm_params: {model: openai/gpt-4o}
            """);

        Assert.Equal("model_list", error.Field);
        Assert.Equal(2, error.Line);
        Assert.Contains("expected a list of deployments", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void each_entry_must_be_a_mapping()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o}
              - gpt-4o-mini
            """);

        Assert.Equal("model_list[1]", error.Field);
        Assert.Equal(4, error.Line);
        Assert.Equal("expected a mapping with model_name and litellm_params, got 'gpt-4o-mini'", error.Reason);
    }

    [Fact]
    public void an_entry_without_model_name_points_at_the_entry()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: a
                litellm_params: {model: openai/a}
              - litellm_params: {model: openai/b}
            """);

        Assert.Equal("model_list[1].model_name", error.Field);
        Assert.Equal(4, error.Line);
        Assert.StartsWith("is missing", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void an_empty_model_name_is_rejected()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: ""
                litellm_params: {model: openai/a}
            """);

        Assert.Equal("model_list[0].model_name", error.Field);
        Assert.Equal(2, error.Line);
        Assert.Equal("is empty", error.Reason);
    }

    [Fact]
    public void an_entry_without_litellm_params_suggests_a_near_miss()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litelm_params: {model: openai/gpt-4o}
            """);

        Assert.Equal("model_list[0].litellm_params", error.Field);
        Assert.Equal(2, error.Line);
        Assert.Contains("is 'litelm_params' a typo of it?", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void litellm_params_without_model_points_at_the_params()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  api_key: sk-1
            """);

        Assert.Equal("model_list[0].litellm_params.model", error.Field);
        Assert.Equal(4, error.Line);
        Assert.StartsWith("is missing", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void a_model_without_a_provider_prefix_is_rejected_with_an_example()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: gpt-4o
            """);

        Assert.Equal("model_list[0].litellm_params.model", error.Field);
        Assert.Equal(4, error.Line);
        Assert.Equal("expected '<provider>/<model>', e.g. openai/gpt-4o, got 'gpt-4o'", error.Reason);
    }

    [Theory]
    [InlineData("model: openai/m, tpm: lots", "model_list[0].litellm_params.tpm", "expected a whole number, got 'lots'")]
    [InlineData("model: openai/m, rpm: 10.5", "model_list[0].litellm_params.rpm", "expected a whole number, got '10.5'")]
    [InlineData("model: openai/m, weight: heavy", "model_list[0].litellm_params.weight", "expected a number, got 'heavy'")]
    [InlineData("model: openai/m, timeout: {read: 5}", "model_list[0].litellm_params.timeout", "expected a number, got a mapping")]
    [InlineData("model: openai/m, stream_timeout: [1, 2]", "model_list[0].litellm_params.stream_timeout", "expected a number, got a list")]
    [InlineData("model: openai/m, order: first", "model_list[0].litellm_params.order", "expected a whole number, got 'first'")]
    [InlineData("model: openai/m, max_parallel_requests: 99999999999", "model_list[0].litellm_params.max_parallel_requests", "expected a whole number, got '99999999999'")]
    [InlineData("model: openai/m, input_cost_per_token: cheap", "model_list[0].litellm_params.input_cost_per_token", "expected a number, got 'cheap'")]
    [InlineData("model: openai/m, tags: prod", "model_list[0].litellm_params.tags", "expected a list of text values, e.g. [\"a\", \"b\"], got 'prod'")]
    [InlineData("model: openai/m, tags: [a, {b: c}]", "model_list[0].litellm_params.tags[1]", "expected text, got a mapping")]
    [InlineData("model: openai/m, api_key: [a, b]", "model_list[0].litellm_params.api_key", "expected text, got a list")]
    [InlineData("model: {name: gpt-4o}", "model_list[0].litellm_params.model", "expected text, got a mapping")]
    public void a_typed_param_of_the_wrong_kind_is_rejected(string parameters, string field, string reason)
    {
        var error = ConfigText.Rejects($"""
            model_list:
              - model_name: m
                litellm_params: {"{"}{parameters}{"}"}
            """);

        Assert.Equal(field, error.Field);
        Assert.Equal(3, error.Line);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData("router_settings:\n  num_retries: many\n", "router_settings.num_retries", 2, "expected a whole number, got 'many'")]
    [InlineData("router_settings:\n  cooldown_time: soon\n", "router_settings.cooldown_time", 2, "expected a number, got 'soon'")]
    [InlineData("litellm_settings:\n  drop_params: maybe\n", "litellm_settings.drop_params", 2, "expected true or false, got 'maybe'")]
    [InlineData("litellm_settings:\n  max_budget: lots\n", "litellm_settings.max_budget", 2, "expected a number, got 'lots'")]
    [InlineData("general_settings:\n  max_request_size_mb: big\n", "general_settings.max_request_size_mb", 2, "expected a number, got 'big'")]
    [InlineData("general_settings:\n  master_key: {value: x}\n", "general_settings.master_key", 2, "expected text, got a mapping")]
    [InlineData("model_list: []\ngeneral_settings: [master_key]\n", "general_settings", 2, "expected a mapping, got a list")]
    [InlineData("model_list:\n  - model_name: m\n    litellm_params: {model: openai/m}\n    model_info: {max_input_tokens: big}\n", "model_list[0].model_info.max_input_tokens", 4, "expected a whole number, got 'big'")]
    [InlineData("model_list:\n  - model_name: m\n    litellm_params: openai/m\n", "model_list[0].litellm_params", 3, "expected a mapping, got 'openai/m'")]
    public void a_typed_setting_of_the_wrong_kind_is_rejected(string yaml, string field, int line, string reason)
    {
        var error = ConfigText.Rejects(yaml);

        Assert.Equal(field, error.Field);
        Assert.Equal(line, error.Line);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData("rpm: -1", "rpm", "must not be negative, got '-1'")]
    [InlineData("tpm: -1000", "tpm", "must not be negative, got '-1000'")]
    [InlineData("weight: -0.5", "weight", "must not be negative, got '-0.5'")]
    [InlineData("timeout: -30", "timeout", "must not be negative, got '-30'")]
    [InlineData("stream_timeout: \"-1\"", "stream_timeout", "must not be negative, got '-1'")]
    [InlineData("input_cost_per_token: -0.000001", "input_cost_per_token", "must not be negative, got '-0.000001'")]
    public void negative_limits_weights_timeouts_and_prices_are_rejected(string setting, string key, string reason)
    {
        var error = ConfigText.Rejects($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: openai/m
                  {setting}
            """);

        Assert.Equal($"model_list[0].litellm_params.{key}", error.Field);
        Assert.Equal(5, error.Line);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void negative_router_timeouts_are_rejected()
    {
        var error = ConfigText.Rejects("router_settings:\n  timeout: 30\n  cooldown_time: -5\n");

        Assert.Equal("router_settings.cooldown_time", error.Field);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void two_deployments_with_the_same_id_are_rejected_at_the_second()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: azure/gpt-4o-eu}
                model_info: {id: gpt-4o-primary}
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o}
                model_info: {id: other}
              - model_name: gpt-4o-mini
                litellm_params: {model: openai/gpt-4o-mini}
                model_info:
                  mode: chat
                  id: gpt-4o-primary
            """);

        Assert.Equal("model_list[2].model_info.id", error.Field);
        Assert.Equal(12, error.Line);
        Assert.Equal("duplicate id 'gpt-4o-primary', already used by model_list[0]; ids must be unique", error.Reason);
    }

    [Fact]
    public void an_environment_reference_without_a_name_is_rejected()
    {
        var error = ConfigText.Rejects("general_settings:\n  master_key: os.environ/\n");

        Assert.Equal("general_settings.master_key", error.Field);
        Assert.Equal(2, error.Line);
    }
}
