using Gateway.Api.Config;
using Gateway.Api.Limits.Shared;
using Gateway.Api.Tests.Config;

namespace Gateway.Api.Tests.Nodes;

/// <summary>Where the shared Redis is, read as LiteLLM reads it: router_settings first, then REDIS_* variables.</summary>
public sealed class RedisSettingsTests
{
    static RedisSettings? Read(string yaml, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(v => v.Name, v => v.Value);
        return RedisSettings.From(ConfigText.Parse(yaml, environment).Router, name => variables.GetValueOrDefault(name), "config.yaml");
    }

    [Fact]
    public void without_any_redis_setting_there_is_no_shared_redis() =>
        Assert.Null(Read("router_settings: {num_retries: 2}"));

    [Fact]
    public void router_settings_name_host_port_and_password_with_environment_references()
    {
        var redis = Read("""
            router_settings:
              redis_host: os.environ/REDIS_HOST
              redis_port: 6380
              redis_password: os.environ/REDIS_PASSWORD
            """, ("REDIS_HOST", "cache.internal"), ("REDIS_PASSWORD", "hunter2"));

        Assert.Equal(new RedisSettings("cache.internal", 6380, null, "hunter2", 0, false), redis);
        Assert.DoesNotContain("hunter2", redis!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void environment_variables_alone_are_enough_and_the_port_defaults_to_6379()
    {
        Assert.Equal(new RedisSettings("10.0.0.5", 6379, null, null, 0, false), Read("", ("REDIS_HOST", "10.0.0.5")));
        Assert.Equal(new RedisSettings("10.0.0.5", 7000, null, "pw", 0, false),
            Read("", ("REDIS_HOST", "10.0.0.5"), ("REDIS_PORT", "7000"), ("REDIS_PASSWORD", "pw")));
    }

    [Fact]
    public void router_settings_win_over_the_environment() =>
        Assert.Equal("from-config", Read("router_settings: {redis_host: from-config}", ("REDIS_HOST", "from-env"))!.Host);

    [Fact]
    public void a_redis_url_gives_user_password_port_database_and_tls() =>
        Assert.Equal(new RedisSettings("redis.example", 6390, "app", "p@ss", 2, true),
            Read("", ("REDIS_URL", "rediss://app:p%40ss@redis.example:6390/2")));

    [Fact]
    public void a_port_that_is_not_a_number_is_refused_with_the_setting_named()
    {
        var error = Assert.Throws<ConfigException>(() => Read("router_settings: {redis_host: cache, redis_port: six}"));
        Assert.Contains("router_settings.redis_port", error.Message, StringComparison.Ordinal);
    }
}
