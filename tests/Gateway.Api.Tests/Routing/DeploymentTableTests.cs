using Gateway.Api.Config;
using Gateway.Api.Providers;
using Gateway.Api.Routing;
using Gateway.Domain.Pricing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Tests.Routing;

/// <summary>Model names to groups: exact names, aliases and wildcards; deployments carry their routing params.</summary>
public sealed class DeploymentTableTests
{
    static DeploymentTable Build(string yaml)
    {
        using var clients = new UpstreamClients();
        var config = ConfigFileLoader.Parse(yaml, "config.yaml", _ => null);
        return DeploymentTableBuilder.Build(config, PriceSheet.Builtin, new ProviderCatalog(clients, 1 << 20), _ => null, NullLogger.Instance);
    }

    [Fact]
    public void a_deployment_carries_its_routing_params()
    {
        var deployment = Build("""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: k, weight: 9, rpm: 100, tpm: 5000, order: 2,
                                 max_parallel_requests: 4, timeout: 10, stream_timeout: 3, cooldown_time: 60, tags: [eu]}
                model_info: {id: eu-1, max_input_tokens: 1000}
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: k2}
            """).Find("gpt-4o")!.Deployments;

        var first = deployment[0];
        Assert.Equal("eu-1", first.Id);
        Assert.Equal((9.0, true, 100L, 5000L, 2, 4), (first.Weight, first.HasWeight, first.Rpm, first.Tpm, first.Order, first.MaxParallelRequests));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60)), (first.Timeout, first.StreamTimeout, first.CooldownTime));
        Assert.Equal(["eu"], first.Tags);
        Assert.Equal(1000, first.MaxInputTokens);

        var second = deployment[1];
        Assert.False(second.HasWeight);
        Assert.Null(second.Order);
        Assert.Equal(PriceSheet.Builtin.Find("gpt-4o")!.MaxInputTokens, second.MaxInputTokens);
        Assert.Equal(16, second.Id.Length); // the stable hash when model_info.id is not given
    }

    [Fact]
    public void the_stable_id_does_not_change_between_builds()
    {
        const string yaml = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key: k}\n";
        Assert.Equal(Build(yaml).Find("a")!.Deployments[0].Id, Build(yaml).Find("a")!.Deployments[0].Id);
    }

    [Fact]
    public void a_provider_wildcard_serves_every_model_of_the_provider_priced_for_the_model_asked()
    {
        var table = Build("""
            model_list:
              - model_name: openai/*
                litellm_params: {model: openai/*, api_key: k}
            """);

        var group = table.Find("openai/gpt-4o-mini")!;
        Assert.Equal("openai/gpt-4o-mini", group.Name);
        var deployment = Assert.Single(group.Deployments);
        Assert.Equal("gpt-4o-mini", deployment.UpstreamModel);
        Assert.Equal(PriceSheet.Builtin.Find("gpt-4o-mini")!.InputCostPerToken, deployment.Price.InputCostPerToken);
        Assert.True(deployment.IsPriced);
        Assert.Null(table.Find("anthropic/claude"));
        Assert.Same(group, table.Find("openai/gpt-4o-mini"));
    }

    [Fact]
    public void the_most_specific_wildcard_wins_and_a_bare_star_catches_the_rest()
    {
        var table = Build("""
            model_list:
              - model_name: "*"
                litellm_params: {model: openai/*, api_key: k}
              - model_name: team-a/*
                litellm_params: {model: groq/*, api_key: k}
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o-2024-08-06, api_key: k}
            """);

        Assert.Equal("gpt-4o-2024-08-06", table.Find("gpt-4o")!.Deployments[0].UpstreamModel);
        Assert.Equal(("groq", "llama-3"), (table.Find("team-a/llama-3")!.Deployments[0].ProviderName, table.Find("team-a/llama-3")!.Deployments[0].UpstreamModel));
        Assert.Equal(("openai", "o3-mini"), (table.Find("o3-mini")!.Deployments[0].ProviderName, table.Find("o3-mini")!.Deployments[0].UpstreamModel));
    }

    [Fact]
    public void an_alias_finds_its_group_and_only_visible_aliases_are_listed()
    {
        var table = Build("""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: k}
            router_settings:
              model_group_alias: {gpt-4: gpt-4o, legacy: {model: gpt-4o, hidden: true}}
            """);

        Assert.Equal("gpt-4o", table.Find("gpt-4")!.Name);
        Assert.Equal("gpt-4o", table.Find("legacy")!.Name);
        Assert.Equal(["gpt-4", "gpt-4o"], table.ModelNames.Order());
    }
}
