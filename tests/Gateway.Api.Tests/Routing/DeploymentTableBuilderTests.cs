using Gateway.Api.Config;
using Gateway.Api.Providers;
using Gateway.Api.Routing;
using Gateway.Domain.Pricing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Tests.Routing;

public sealed class DeploymentTableBuilderTests
{
    static readonly Dictionary<string, string> Environment = new() { ["GROQ_API_KEY"] = "gsk-from-env" };

    static DeploymentTable Build(string yaml)
    {
        using var clients = new UpstreamClients();
        var config = ConfigFileLoader.Parse(yaml, "config.yaml", name => Environment.GetValueOrDefault(name));
        return DeploymentTableBuilder.Build(config, PriceSheet.Builtin, new ProviderCatalog(clients, 1 << 20),
            name => Environment.GetValueOrDefault(name), NullLogger.Instance);
    }

    [Fact]
    public void with_no_models_configured_the_mocks_serve()
    {
        var table = Build("general_settings: {}");
        Assert.Equal(["mock-embedding", "mock-gpt"], table.Groups.Keys.Order());
        Assert.All(table.Groups.Values, g => Assert.True(g.Deployments[0].IsPriced));
    }

    [Fact]
    public void a_vendor_preset_supplies_its_base_url_and_reads_its_key_from_the_environment()
    {
        var deployment = Build("""
            model_list:
              - model_name: fast
                litellm_params: { model: groq/llama-3.3-70b-versatile }
            """).Find("fast")!.Pick();

        Assert.Equal(new Uri("https://api.groq.com/openai/v1"), deployment.ApiBase);
        Assert.Equal("gsk-from-env", deployment.ApiKey);
        Assert.Equal("llama-3.3-70b-versatile", deployment.UpstreamModel);
        Assert.DoesNotContain("gsk-from-env", deployment.ToString());
    }

    [Fact]
    public void configured_models_replace_the_mocks_and_share_a_group_by_name()
    {
        var table = Build("""
            model_list:
              - model_name: gpt-4o
                litellm_params: { model: openai/gpt-4o, api_key: a }
              - model_name: gpt-4o
                litellm_params: { model: openai/gpt-4o, api_key: b, api_base: "http://127.0.0.1:8000/v1" }
            """);
        var group = Assert.Single(table.Groups.Values);
        Assert.Equal(2, group.Deployments.Count);
        Assert.NotEqual(group.Deployments[0].Id, group.Deployments[1].Id);
        Assert.All(group.Deployments, d => Assert.Equal(PriceSheet.Builtin.Find("gpt-4o")!.InputCostPerToken, d.Price.InputCostPerToken));
    }

    [Fact]
    public void the_same_config_gives_the_same_deployment_ids()
    {
        const string yaml = """
            model_list:
              - model_name: m
                litellm_params: { model: openai/gpt-4o-mini, api_key: k }
            """;
        Assert.Equal(Build(yaml).Find("m")!.Pick().Id, Build(yaml).Find("m")!.Pick().Id);
    }

    [Fact]
    public void an_unknown_provider_stops_start_up_naming_the_field_and_the_supported_ones()
    {
        var error = Assert.Throws<ConfigException>(() => Build("""
            model_list:
              - model_name: m
                litellm_params: { model: nosuchvendor/some-model }
            """));
        Assert.Equal("model_list[0].litellm_params.model", error.Field);
        Assert.Contains("nosuchvendor", error.Reason);
        Assert.Contains("groq", error.Reason);
    }

    [Fact]
    public void a_self_hosted_provider_without_api_base_stops_start_up()
    {
        var error = Assert.Throws<ConfigException>(() => Build("""
            model_list:
              - model_name: local
                litellm_params: { model: hosted_vllm/meta-llama/Llama-3.1-8B-Instruct }
            """));
        Assert.Equal("model_list[0].litellm_params.api_base", error.Field);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void an_api_base_that_is_not_an_http_url_stops_start_up()
    {
        var error = Assert.Throws<ConfigException>(() => Build("""
            model_list:
              - model_name: m
                litellm_params: { model: openai/gpt-4o, api_base: "ftp://example" }
            """));
        Assert.Equal("model_list[0].litellm_params.api_base", error.Field);
    }
}
