using Gateway.Api.Config;

namespace Gateway.Api.Tests.Routing;

/// <summary>Every router setting LiteLLM reads, from router_settings and (where LiteLLM takes them there) litellm_settings.</summary>
public sealed class RouterSettingsTests
{
    static GatewayConfig Parse(string yaml) => ConfigFileLoader.Parse(yaml, "config.yaml", _ => null);

    static ConfigException Rejects(string yaml) => Assert.Throws<ConfigException>(() => Parse(yaml));

    [Fact]
    public void every_router_setting_is_read_typed()
    {
        var router = Parse("""
            router_settings:
              routing_strategy: latency-based-routing
              routing_strategy_args: {lowest_latency_buffer: 0.5, max_latency_list_size: 20}
              num_retries: 4
              retry_policy:
                BadRequestErrorRetries: 0
                AuthenticationErrorRetries: 1
                TimeoutErrorRetries: 2
                RateLimitErrorRetries: 3
                ContentPolicyViolationErrorRetries: 4
                InternalServerErrorRetries: 5
              retry_after: 0.25
              allowed_fails: 2
              allowed_fails_policy: {RateLimitErrorAllowedFails: 100, TimeoutErrorAllowedFails: 7}
              cooldown_time: 12.5
              disable_cooldowns: false
              timeout: 30
              stream_timeout: 7
              fallbacks: [{gpt-4o: [claude, gpt-4o-mini]}, {"*": [mock-gpt]}]
              context_window_fallbacks: [{gpt-4o: [gpt-4o-long]}]
              content_policy_fallbacks: [{gpt-4o: claude}]
              default_fallbacks: [mock-gpt]
              max_fallbacks: 3
              model_group_alias: {gpt-4: gpt-4o, old: {model: gpt-4o, hidden: true}}
              enable_pre_call_checks: true
              enable_tag_filtering: true
              redis_host: cache
            """).Router;

        Assert.Equal("latency-based-routing", router.RoutingStrategy);
        Assert.Equal(0.5, router.LowestLatencyBuffer);
        Assert.Equal(20, router.MaxLatencyListSize);
        Assert.Equal(4, router.NumRetries);
        Assert.Equal(new ErrorKindCounts { BadRequest = 0, Authentication = 1, Timeout = 2, RateLimit = 3, ContentPolicyViolation = 4, InternalServer = 5 }, router.RetryPolicy);
        Assert.Equal(0.25, router.RetryAfter);
        Assert.Equal(2, router.AllowedFails);
        Assert.Equal(new ErrorKindCounts { RateLimit = 100, Timeout = 7 }, router.AllowedFailsPolicy);
        Assert.Equal(12.5, router.CooldownTime);
        Assert.False(router.DisableCooldowns);
        Assert.Equal(30, router.Timeout);
        Assert.Equal(7, router.StreamTimeout);
        Assert.Equal(["gpt-4o", "*"], router.Fallbacks!.Select(r => r.ModelGroup));
        Assert.Equal(["claude", "gpt-4o-mini"], router.Fallbacks![0].Fallbacks);
        Assert.Equal(["gpt-4o-long"], router.ContextWindowFallbacks!.Single().Fallbacks);
        Assert.Equal(["claude"], router.ContentPolicyFallbacks!.Single().Fallbacks);
        Assert.Equal(["mock-gpt"], router.DefaultFallbacks);
        Assert.Equal(3, router.MaxFallbacks);
        Assert.Equal(new ModelGroupAlias("gpt-4o"), router.ModelGroupAlias["gpt-4"]);
        Assert.Equal(new ModelGroupAlias("gpt-4o", Hidden: true), router.ModelGroupAlias["old"]);
        Assert.True(router.EnablePreCallChecks);
        Assert.True(router.EnableTagFiltering);
        Assert.Equal(["redis_host"], router.Extra.Keys);
    }

    [Fact]
    public void litellm_settings_carry_the_router_settings_litellm_reads_there_and_router_settings_win()
    {
        var config = Parse("""
            litellm_settings:
              num_retries: 5
              allowed_fails: 9
              fallbacks: [{a: [b]}]
              context_window_fallbacks: [{a: [c]}]
              content_policy_fallbacks: [{a: [d]}]
              default_fallbacks: [e]
              max_fallbacks: 2
              request_timeout: 42
            router_settings:
              num_retries: 1
            """);

        var shared = config.Litellm.Routing;
        Assert.Equal(5, shared.NumRetries);
        Assert.Equal(9, shared.AllowedFails);
        Assert.Empty(config.Litellm.Extra);
        Assert.Equal(42, config.Litellm.RequestTimeout);

        var merged = config.Router.Over(shared);
        Assert.Equal(1, merged.NumRetries);
        Assert.Equal(9, merged.AllowedFails);
        Assert.Equal(["b"], merged.Fallbacks!.Single().Fallbacks);
        Assert.Equal(["c"], merged.ContextWindowFallbacks!.Single().Fallbacks);
        Assert.Equal(["d"], merged.ContentPolicyFallbacks!.Single().Fallbacks);
        Assert.Equal(["e"], merged.DefaultFallbacks);
        Assert.Equal(2, merged.MaxFallbacks);
    }

    [Fact]
    public void an_unknown_routing_strategy_is_refused_with_the_known_ones_and_a_suggestion()
    {
        var error = Rejects("router_settings:\n  routing_strategy: least_busy\n");
        Assert.Equal("router_settings.routing_strategy", error.Field);
        Assert.Equal(2, error.Line);
        Assert.Contains("least-busy", error.Reason, StringComparison.Ordinal);
        Assert.Contains("did you mean least-busy?", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void a_fallback_rule_with_two_groups_is_refused_as_litellm_refuses_it()
    {
        var error = Rejects("""
            router_settings:
              fallbacks:
                - {a: [b], c: [d]}
            """);
        Assert.Equal("router_settings.fallbacks[0]", error.Field);
        Assert.Equal(3, error.Line);
        Assert.Contains("exactly one key", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void fallbacks_that_are_not_a_list_of_rules_are_refused()
    {
        Assert.Equal("router_settings.fallbacks", Rejects("router_settings: {fallbacks: {a: [b]}}").Field);
        Assert.Equal("router_settings.fallbacks[0]", Rejects("router_settings: {fallbacks: [a]}").Field);
        Assert.Equal("router_settings.fallbacks[0].a", Rejects("router_settings: {fallbacks: [{a: {b: c}}]}").Field);
    }

    [Fact]
    public void a_misspelt_retry_policy_key_is_refused_with_a_suggestion()
    {
        var error = Rejects("""
            router_settings:
              retry_policy:
                RateLimitErrorRetires: 3
            """);
        Assert.Equal("router_settings.retry_policy.RateLimitErrorRetires", error.Field);
        Assert.Contains("did you mean RateLimitErrorRetries?", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void numbers_of_the_wrong_kind_are_refused_naming_the_field()
    {
        Assert.Equal("router_settings.num_retries", Rejects("router_settings: {num_retries: many}").Field);
        Assert.Equal("router_settings.allowed_fails_policy.RateLimitErrorAllowedFails",
            Rejects("router_settings: {allowed_fails_policy: {RateLimitErrorAllowedFails: -1}}").Field);
        Assert.Equal("router_settings.cooldown_time", Rejects("router_settings: {cooldown_time: soon}").Field);
        Assert.Equal("litellm_settings.max_fallbacks", Rejects("litellm_settings: {max_fallbacks: 1.5}").Field);
        Assert.Equal("router_settings.enable_pre_call_checks", Rejects("router_settings: {enable_pre_call_checks: maybe}").Field);
    }

    [Fact]
    public void an_alias_needs_a_model()
    {
        var error = Rejects("router_settings: {model_group_alias: {gpt-4: {hidden: true}}}");
        Assert.Equal("router_settings.model_group_alias.gpt-4.model", error.Field);
    }

    [Fact]
    public void deployment_routing_params_are_read()
    {
        var parameters = Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  weight: 9
                  rpm: 100
                  tpm: 5000
                  order: 2
                  max_parallel_requests: 4
                  timeout: 10
                  stream_timeout: 3
                  cooldown_time: 60
                  tags: [eu, default]
                model_info: {id: eu-1, max_input_tokens: 1000}
            """).ModelList[0];

        var p = parameters.Params;
        Assert.Equal((9.0, 100L, 5000L, 2, 4, 10.0, 3.0, 60.0), (p.Weight, p.Rpm, p.Tpm, p.Order, p.MaxParallelRequests, p.Timeout, p.StreamTimeout, p.CooldownTime));
        Assert.Equal(["eu", "default"], p.Tags);
        Assert.Equal("eu-1", parameters.Info.Id);
        Assert.Equal(1000, parameters.Info.MaxInputTokens);
    }
}
