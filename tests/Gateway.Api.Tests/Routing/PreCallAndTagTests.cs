using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Routing;

/// <summary>Pre-call checks (context windows) and tag routing (body tags, metadata.tags, x-litellm-tags, the default tag).</summary>
public sealed class PreCallAndTagTests(PostgresFixture postgres) : IAsyncLifetime
{
    FaultyOpenAI _upstream = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FaultyOpenAI.StartAsync();
        string Deployment(string group, string name, string extra = "", string info = "") => $$"""
              - model_name: {{group}}
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase(name, "ok")}}", api_key: k{{extra}}}
                model_info: {id: {{name}}{{info}}}
            """;
        _host = await GatewayTestHost.StartAsync(postgres, "model_list:\n" + string.Join("\n",
            Deployment("sized", "small", ", order: 1", ", max_input_tokens: 3"),
            Deployment("sized", "big", ", order: 2", ", max_input_tokens: 100000"),
            Deployment("tiny", "tiny", "", ", max_input_tokens: 3"),
            Deployment("roomy", "roomy"),
            Deployment("regional", "eu", ", tags: [eu]"),
            Deployment("regional", "us", ", tags: [us]"),
            Deployment("regional", "anywhere", ", tags: [default]"),
            Deployment("picky", "picky-eu", ", tags: [eu]")) + """

            router_settings:
              enable_pre_call_checks: true
              enable_tag_filtering: true
              context_window_fallbacks: [{tiny: [roomy]}]
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task a_deployment_whose_context_window_the_prompt_exceeds_is_skipped()
    {
        var result = await _host.Chat("sized");

        Assert.Equal("big", result.ModelId());
        Assert.Equal(0, _upstream.Calls("small"));
    }

    [Fact]
    public async Task when_no_deployment_holds_the_prompt_the_context_window_fallbacks_take_it()
    {
        var result = await _host.Chat("tiny");

        Assert.Equal(("roomy", 1), (result.ModelId(), result.Fallbacks()));
        Assert.Equal(0, _upstream.Calls("tiny"));
    }

    [Fact]
    public async Task without_a_fallback_that_is_litellm_s_context_window_error()
    {
        var result = await _host.Chat("tiny", extra: new Dictionary<string, object?> { ["disable_fallbacks"] = true });

        var error = await result.OpenAIError(400);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("ContextWindowExceededError", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task tags_in_the_body_pick_the_deployments_with_that_tag()
    {
        var result = await _host.Chat("regional", extra: new Dictionary<string, object?> { ["tags"] = new[] { "eu" } });
        Assert.Equal("eu", result.ModelId());
    }

    [Fact]
    public async Task tags_in_metadata_pick_the_deployments_with_that_tag()
    {
        var result = await _host.Chat("regional", extra: new Dictionary<string, object?> { ["metadata"] = new { tags = new[] { "us" } } });
        Assert.Equal("us", result.ModelId());
    }

    [Fact]
    public async Task tags_in_the_header_pick_the_deployments_with_that_tag()
    {
        var result = await _host.Chat("regional", header: ("x-litellm-tags", "team-x, us"));
        Assert.Equal("us", result.ModelId());
    }

    [Fact]
    public async Task untagged_calls_and_unmatched_tags_go_to_the_default_deployments()
    {
        for (var i = 0; i < 5; i++)
            Assert.Equal("anywhere", (await _host.Chat("regional")).ModelId());
        Assert.Equal("anywhere", (await _host.Chat("regional", extra: new Dictionary<string, object?> { ["tags"] = new[] { "mars" } })).ModelId());
        Assert.Equal((0, 0), (_upstream.Calls("eu"), _upstream.Calls("us")));
    }

    [Fact]
    public async Task a_tag_no_deployment_has_without_a_default_is_refused()
    {
        var result = await _host.Chat("picky", extra: new Dictionary<string, object?> { ["tags"] = new[] { "us" } });

        var error = await result.OpenAIError(400);
        Assert.StartsWith("Not allowed to access model due to tags configuration. Passed model=picky and tags=[us].", error.GetProperty("message").GetString());
        Assert.Equal(0, _upstream.Calls("picky-eu"));
    }

    [Fact]
    public async Task tags_that_are_not_strings_are_a_400_naming_the_field()
    {
        var result = await _host.Chat("regional", extra: new Dictionary<string, object?> { ["tags"] = new object[] { 7 } });

        var error = await result.OpenAIError(400);
        Assert.Equal("tags[0]", error.GetProperty("param").GetString());
    }
}
