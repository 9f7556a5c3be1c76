using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Routing;

/// <summary>Fallbacks of each kind after a group's retries, the client's own, max_fallbacks, and the key's model list on fallbacks.</summary>
public sealed class FallbackTests(PostgresFixture postgres) : IAsyncLifetime
{
    FaultyOpenAI _upstream = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FaultyOpenAI.StartAsync();
        string Group(string group, string behaviour) => $$"""
              - model_name: {{group}}
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase(group, behaviour)}}", api_key: k}
                model_info: {id: {{group}}}
            """;
        _host = await GatewayTestHost.StartAsync(postgres, "model_list:\n" + string.Join("\n",
            Group("primary", "down"), Group("backup", "ok"),
            Group("long-primary", "too-long"), Group("long-backup", "ok"),
            Group("filtered", "filtered"), Group("lenient", "ok"),
            Group("lonely", "down"), Group("default", "ok"),
            Group("chain", "down"), Group("down-a", "down"), Group("down-b", "down"), Group("down-c", "ok"),
            Group("strict", "bad"), Group("guarded", "down"), Group("secret", "ok")) + """

            router_settings:
              num_retries: 1
              allowed_fails: 100
              fallbacks:
                - {primary: [backup]}
                - {long-primary: [backup]}
                - {chain: [down-a, down-b, down-c]}
                - {strict: [backup]}
                - {guarded: [secret, backup]}
              context_window_fallbacks: [{long-primary: [long-backup]}]
              content_policy_fallbacks: [{filtered: [lenient]}]
              default_fallbacks: [default]
              max_fallbacks: 2
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task a_group_that_keeps_failing_falls_back_after_its_retries()
    {
        var result = await _host.Chat("primary");

        Assert.Equal(200, result.Status());
        Assert.Equal("Hello from backup", await result.Content());
        Assert.Equal(("backup", 1, 1), (result.ModelId(), result.Retries(), result.Fallbacks()));
        Assert.Equal("backup", result.Header("x-litellm-model-group"));
        Assert.Equal(2, _upstream.Calls("primary"));
    }

    [Fact]
    public async Task a_context_window_error_goes_to_the_context_window_fallbacks_at_once()
    {
        var result = await _host.Chat("long-primary");

        Assert.Equal(("long-backup", 0, 1), (result.ModelId(), result.Retries(), result.Fallbacks()));
        Assert.Equal((1, 0), (_upstream.Calls("long-primary"), _upstream.Calls("backup")));
    }

    [Fact]
    public async Task a_content_policy_error_goes_to_the_content_policy_fallbacks()
    {
        var result = await _host.Chat("filtered");

        Assert.Equal(("lenient", 1), (result.ModelId(), result.Fallbacks()));
        Assert.Equal(1, _upstream.Calls("filtered"));
    }

    [Fact]
    public async Task a_group_without_a_rule_falls_back_to_the_default_fallbacks()
    {
        var result = await _host.Chat("lonely");

        Assert.Equal(("default", 1), (result.ModelId(), result.Fallbacks()));
    }

    [Fact]
    public async Task no_more_than_max_fallbacks_are_tried_and_the_model_s_own_error_is_answered()
    {
        var result = await _host.Chat("chain");

        var error = await result.OpenAIError(500);
        Assert.Contains("server had an error", error.GetProperty("message").GetString());
        Assert.Equal(2, result.Fallbacks());
        Assert.Equal(3, result.Retries()); // one per group: chain, down-a, down-b
        Assert.Equal((2, 2, 2, 0), (_upstream.Calls("chain"), _upstream.Calls("down-a"), _upstream.Calls("down-b"), _upstream.Calls("down-c")));
    }

    [Fact]
    public async Task a_request_the_upstream_refuses_does_not_fall_back()
    {
        var result = await _host.Chat("strict");

        await result.OpenAIError(400);
        Assert.Equal((0, 0), (result.Fallbacks(), _upstream.Calls("backup")));
    }

    [Fact]
    public async Task the_client_s_own_fallbacks_replace_the_configured_ones()
    {
        var result = await _host.Chat("primary", extra: new Dictionary<string, object?> { ["fallbacks"] = new[] { "lenient" } });

        Assert.Equal(("lenient", 1), (result.ModelId(), result.Fallbacks()));
        Assert.Equal(0, _upstream.Calls("backup"));
        Assert.All(_upstream.Models, model => Assert.Equal("gpt-4o-mini", model)); // the field is not forwarded as a model
    }

    [Fact]
    public async Task client_fallbacks_in_metadata_or_as_objects_are_understood()
    {
        var inMetadata = await _host.Chat("primary", extra: new Dictionary<string, object?> { ["metadata"] = new { fallbacks = new[] { "lenient" } } });
        var asObjects = await _host.Chat("lonely", extra: new Dictionary<string, object?> { ["fallbacks"] = new[] { new { model = "backup", messages = Array.Empty<object>() } } });

        Assert.Equal("lenient", inMetadata.ModelId());
        Assert.Equal("backup", asObjects.ModelId());
    }

    [Fact]
    public async Task a_client_fallback_the_key_may_not_use_is_refused_before_any_call()
    {
        var (key, _) = await _host.IssuedKey(k => k with { Models = ["primary"] });

        var result = await _host.Chat("primary", key: key, extra: new Dictionary<string, object?> { ["fallbacks"] = new[] { "secret" } });

        var error = await result.OpenAIError(403);
        Assert.Equal("key_model_access_denied", error.GetProperty("type").GetString());
        Assert.Contains("secret", error.GetProperty("message").GetString());
        Assert.Equal(0, _upstream.Calls("primary"));
    }

    [Fact]
    public async Task a_configured_fallback_the_key_may_not_use_is_skipped()
    {
        var (key, _) = await _host.IssuedKey(k => k with { Models = ["guarded", "backup"] });

        var result = await _host.Chat("guarded", key: key);

        Assert.Equal(("backup", 1), (result.ModelId(), result.Fallbacks()));
        Assert.Equal(0, _upstream.Calls("secret"));
    }

    [Fact]
    public async Task disable_fallbacks_answers_with_the_model_s_own_error()
    {
        var result = await _host.Chat("primary", extra: new Dictionary<string, object?> { ["disable_fallbacks"] = true });

        await result.OpenAIError(500);
        Assert.Equal(("primary", 0), (result.ModelId(), result.Fallbacks()));
        Assert.Equal(0, _upstream.Calls("backup"));
    }
}
