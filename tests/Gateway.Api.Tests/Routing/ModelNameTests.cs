using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Routing;

/// <summary>Wildcard model names and aliases through the gateway, and a budget reservation that covers a dearer fallback.</summary>
public sealed class ModelNameTests(PostgresFixture postgres) : IAsyncLifetime
{
    FaultyOpenAI _upstream = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FaultyOpenAI.StartAsync();
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: openai/*
                litellm_params: {model: openai/*, api_base: "{{_upstream.ApiBase("wild", "ok")}}", api_key: k}
                model_info: {id: wild}
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_base: "{{_upstream.ApiBase("named", "ok")}}", api_key: k}
                model_info: {id: named}
              - model_name: thrifty
                litellm_params: {model: openai/thrifty, api_base: "{{_upstream.ApiBase("thrifty", "down")}}", api_key: k,
                                 input_cost_per_token: 0.0000001, output_cost_per_token: 0.0000001}
                model_info: {id: thrifty}
              - model_name: lavish
                litellm_params: {model: openai/lavish, api_base: "{{_upstream.ApiBase("lavish", "ok")}}", api_key: k,
                                 input_cost_per_token: 0.001, output_cost_per_token: 0.001}
                model_info: {id: lavish}
            router_settings:
              num_retries: 0
              model_group_alias: {gpt-4: gpt-4o, old-name: {model: gpt-4o, hidden: true} }
              fallbacks: [{thrifty: [lavish]}]
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task a_wildcard_group_serves_any_model_of_its_provider_under_that_model_s_name()
    {
        var result = await _host.Chat("openai/gpt-4.1-nano");

        Assert.Equal(("wild", "openai/gpt-4.1-nano"), (result.ModelId(), result.Header("x-litellm-model-group")));
        Assert.Equal("gpt-4.1-nano", Assert.Single(_upstream.Models));
        var charged = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.True(charged.Cost > 0, "priced from the sheet's entry for the model asked for");
    }

    [Fact]
    public async Task an_exact_name_wins_over_a_wildcard()
    {
        Assert.Equal("named", (await _host.Chat("gpt-4o")).ModelId());
    }

    [Fact]
    public async Task an_alias_routes_to_its_group_and_only_visible_aliases_are_listed()
    {
        Assert.Equal("named", (await _host.Chat("gpt-4")).ModelId());
        Assert.Equal("named", (await _host.Chat("old-name")).ModelId());

        var models = await _host.Scenario(s =>
        {
            s.Get.Url("/v1/models");
            s.WithMasterKey();
        });
        var ids = System.Text.Json.JsonDocument.Parse(await models.ReadAsTextAsync()).RootElement.GetProperty("data")
            .EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("gpt-4", ids);
        Assert.DoesNotContain("old-name", ids);
    }

    [Fact]
    public async Task a_key_that_lists_an_alias_may_call_it()
    {
        var (key, _) = await _host.IssuedKey(k => k with { Models = ["gpt-4"] });

        Assert.Equal(200, (await _host.Chat("gpt-4", key: key)).Status());
        await (await _host.Chat("thrifty", key: key)).OpenAIError(403);
    }

    [Fact]
    public async Task a_key_that_lists_a_wildcard_may_call_the_models_it_matches()
    {
        var (key, _) = await _host.IssuedKey(k => k with { Models = ["openai/*"] });

        Assert.Equal(200, (await _host.Chat("openai/o4-mini", key: key)).Status());
        await (await _host.Chat("gpt-4o", key: key)).OpenAIError(403);
    }

    [Fact]
    public async Task the_budget_reservation_covers_the_dearest_deployment_a_fallback_may_reach()
    {
        // thrifty alone would cost at most ~0.0001 for 100 tokens out; its fallback lavish up to ~0.1.
        var (key, _) = await _host.IssuedKey(k => k with { MaxBudget = 0.05m });

        var refused = await _host.Chat("thrifty", key: key, extra: new Dictionary<string, object?> { ["max_tokens"] = 100 });
        var error = await refused.OpenAIError(400);
        Assert.Equal("budget_exceeded", error.GetProperty("type").GetString());
        Assert.Equal(0, _upstream.Calls("thrifty"));

        var (roomier, _) = await _host.IssuedKey(k => k with { MaxBudget = 1m });
        var served = await _host.Chat("thrifty", key: roomier, extra: new Dictionary<string, object?> { ["max_tokens"] = 100 });
        Assert.Equal(("lavish", 1), (served.ModelId(), served.Fallbacks()));
        Assert.True(served.ResponseCost() > 0.001m, "charged at the fallback's price");
    }
}
