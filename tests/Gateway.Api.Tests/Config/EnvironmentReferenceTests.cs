using Gateway.Api.Config;

namespace Gateway.Api.Tests.Config;

public sealed class EnvironmentReferenceTests
{
    [Fact]
    public void a_typed_param_takes_its_value_from_the_environment_before_typing()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  rpm: os.environ/RPM
                  timeout: "os.environ/TIMEOUT"
            """, ("RPM", "600"), ("TIMEOUT", "2.5"));

        Assert.Equal(600, config.ModelList[0].Params.Rpm);
        Assert.Equal(2.5, config.ModelList[0].Params.Timeout);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void references_work_in_router_litellm_and_general_settings()
    {
        var config = ConfigText.Parse("""
            router_settings:
              num_retries: os.environ/RETRIES
              redis_password: os.environ/REDIS_PASSWORD
            litellm_settings:
              drop_params: os.environ/DROP
            general_settings:
              master_key: os.environ/GATEWAY_MASTER_KEY
            """, ("RETRIES", "4"), ("REDIS_PASSWORD", "hunter2"), ("DROP", "True"), ("GATEWAY_MASTER_KEY", "sk-from-env"));

        Assert.Equal(4, config.Router.NumRetries);
        Assert.Equal("hunter2", config.Router.Extra["redis_password"]);
        Assert.True(config.Litellm.DropParams);
        Assert.Equal("sk-from-env", config.General.MasterKey);
    }

    [Fact]
    public void references_work_inside_lists_and_nested_extra_values()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: bedrock-claude
                litellm_params:
                  model: bedrock/anthropic.claude-3
                  tags: [os.environ/TEAM_TAG, fixed]
                  aws_credentials:
                    region: os.environ/AWS_REGION
                    profiles: [default, os.environ/AWS_PROFILE]
            router_settings:
              fallbacks: [{bedrock-claude: [os.environ/FALLBACK_GROUP]}]
            """, ("TEAM_TAG", "team-a"), ("AWS_REGION", "eu-west-1"), ("AWS_PROFILE", "prod"), ("FALLBACK_GROUP", "gpt-4o"));

        var parameters = config.ModelList[0].Params;
        Assert.Equal(["team-a", "fixed"], parameters.Tags);
        var credentials = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(parameters.Extra["aws_credentials"]);
        Assert.Equal("eu-west-1", credentials["region"]);
        Assert.Equal(["default", "prod"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(credentials["profiles"]));

        var rule = Assert.Single(config.Router.Fallbacks!);
        Assert.Equal("bedrock-claude", rule.ModelGroup);
        Assert.Equal(["gpt-4o"], rule.Fallbacks);
    }

    [Fact]
    public void an_environment_value_stays_text_in_extra_as_litellm_reads_it()
    {
        var config = ConfigText.Parse("""
            litellm_settings:
              num_workers: os.environ/WORKERS
              set_verbose: os.environ/VERBOSE
            """, ("WORKERS", "8"), ("VERBOSE", "true"));

        Assert.Equal("8", config.Litellm.Extra["num_workers"]);
        Assert.Equal("true", config.Litellm.Extra["set_verbose"]);
    }

    [Fact]
    public void an_unset_variable_leaves_the_setting_empty_and_warns_with_field_and_variable()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_key: os.environ/OPENAI_API_KEY
                  rpm: os.environ/RPM
                  tags: [os.environ/MISSING_TAG, kept]
            general_settings:
              master_key: os.environ/LITELLM_MASTER_KEY
            """);

        var parameters = config.ModelList[0].Params;
        Assert.Null(parameters.ApiKey);
        Assert.Null(parameters.Rpm);
        Assert.Equal(["kept"], parameters.Tags);
        Assert.Null(config.General.MasterKey);
        Assert.Equal(
        [
            "config.yaml:5: model_list[0].litellm_params.api_key: environment variable OPENAI_API_KEY is not set; the setting is left empty",
            "config.yaml:6: model_list[0].litellm_params.rpm: environment variable RPM is not set; the setting is left empty",
            "config.yaml:7: model_list[0].litellm_params.tags[0]: environment variable MISSING_TAG is not set; the setting is left empty",
            "config.yaml:9: general_settings.master_key: environment variable LITELLM_MASTER_KEY is not set; the setting is left empty",
        ], config.Warnings);
    }

    [Fact]
    public void an_unset_variable_for_a_required_field_is_an_error()
    {
        var modelName = ConfigText.Rejects("""
            model_list:
              - model_name: os.environ/GROUP
                litellm_params: {model: openai/gpt-4o}
            """);
        Assert.Equal("model_list[0].model_name", modelName.Field);
        Assert.Equal(2, modelName.Line);
        Assert.Equal("environment variable GROUP is not set", modelName.Reason);

        var model = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: os.environ/UPSTREAM_MODEL
            """);
        Assert.Equal("model_list[0].litellm_params.model", model.Field);
        Assert.Equal(4, model.Line);
    }

    [Fact]
    public void a_value_from_the_environment_that_does_not_fit_is_reported_with_its_source()
    {
        var error = ConfigText.Rejects("""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, tpm: os.environ/TPM}
            """, ("TPM", "lots"));

        Assert.Equal("model_list[0].litellm_params.tpm", error.Field);
        Assert.Equal(3, error.Line);
        Assert.Equal("expected a whole number, got 'lots' (from environment variable TPM)", error.Reason);
    }

    [Fact]
    public void the_files_environment_variables_section_fills_in_what_the_environment_lacks()
    {
        var config = ConfigText.Parse("""
            environment_variables:
              UPSTREAM_BASE: http://from-file:8000/v1
              RPM: "100"
            model_list:
              - model_name: local
                litellm_params: {model: openai/local, api_base: os.environ/UPSTREAM_BASE, rpm: os.environ/RPM}
            """, ("RPM", "250"));

        Assert.Equal("http://from-file:8000/v1", config.ModelList[0].Params.ApiBase);
        Assert.Equal(250, config.ModelList[0].Params.Rpm);
        Assert.Empty(config.Warnings);
    }
}
