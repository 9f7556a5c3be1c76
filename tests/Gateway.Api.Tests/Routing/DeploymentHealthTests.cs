using Gateway.Api.Config;
using Gateway.Api.Errors;
using Gateway.Api.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Api.Tests.Routing;

/// <summary>Cooldown bookkeeping: allowed fails per minute, kinds that cool at once, cooldown lengths; on a fake clock.</summary>
public sealed class DeploymentHealthTests
{
    static readonly ApiError ServerError = new(500, "api_error", "boom");
    static readonly ApiError RateLimited = new(429, "rate_limit_error", "slow down");
    static readonly ApiError Unauthorised = new(401, "authentication_error", "bad key");
    static readonly ApiError Missing = new(404, "not_found_error", "no such model");
    static readonly ApiError TimedOut = ApiError.UpstreamTimeout("d", 1);
    static readonly ApiError BadRequest = new(400, "invalid_request_error", "bad");

    readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 10, TimeSpan.Zero));
    readonly DeploymentHealth _health;
    readonly Deployment _deployment = Deployments.Make("d");

    public DeploymentHealthTests() => _health = new DeploymentHealth(_time);

    Cooldown? Fail(ApiError error, RouterPolicy? policy = null, Deployment? deployment = null) =>
        _health.RecordFailure(deployment ?? _deployment, UpstreamErrorKinds.Of(error), error, policy ?? RouterPolicy.Default);

    [Fact]
    public void server_errors_cool_a_deployment_only_after_more_than_the_allowed_fails_in_a_minute()
    {
        var policy = RouterPolicy.From(new RouterSettings { AllowedFails = 2 });
        Assert.Null(Fail(ServerError, policy));
        Assert.Null(Fail(ServerError, policy));
        Assert.False(_health.IsCooling(_deployment));

        var cooldown = Fail(ServerError, policy);
        Assert.NotNull(cooldown);
        Assert.Equal(3, cooldown.Value.FailuresThisMinute);
        Assert.Equal(TimeSpan.FromSeconds(5), cooldown.Value.Until - cooldown.Value.At);
        Assert.True(_health.IsCooling(_deployment));
    }

    [Fact]
    public void the_failure_count_starts_again_each_minute()
    {
        var policy = RouterPolicy.From(new RouterSettings { AllowedFails = 1 });
        Assert.Null(Fail(ServerError, policy));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(Fail(ServerError, policy));
        Assert.NotNull(Fail(ServerError, policy));
    }

    [Fact]
    public void a_cooldown_ends_after_the_cooldown_time()
    {
        var policy = RouterPolicy.From(new RouterSettings { CooldownTime = 30 });
        Assert.NotNull(Fail(Unauthorised, policy));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(TimeSpan.FromSeconds(1), _health.CoolingFor(_deployment));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_health.IsCooling(_deployment));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(408)]
    public void these_statuses_cool_at_once(int status)
    {
        var error = status switch { 429 => RateLimited, 401 => Unauthorised, 404 => Missing, _ => TimedOut };
        Assert.NotNull(Fail(error));
        Assert.True(_health.IsCooling(_deployment));
    }

    [Fact]
    public void requests_the_upstream_refused_as_such_never_cool()
    {
        for (var i = 0; i < 10; i++)
            Assert.Null(Fail(BadRequest));
        Assert.Null(Fail(new ApiError(400, "invalid_request_error", "too long", Code: "context_length_exceeded")));
        Assert.False(_health.IsCooling(_deployment));
    }

    [Fact]
    public void a_429_cools_for_its_retry_after_when_that_is_longer()
    {
        var cooldown = Fail(RateLimited with { RetryAfterSeconds = 42 });
        Assert.Equal(TimeSpan.FromSeconds(42), cooldown!.Value.Until - cooldown.Value.At);
    }

    [Fact]
    public void a_deployment_cooldown_time_beats_the_router_one()
    {
        var cooldown = Fail(Unauthorised, deployment: _deployment with { CooldownTime = TimeSpan.FromSeconds(90) });
        Assert.Equal(TimeSpan.FromSeconds(90), cooldown!.Value.Until - cooldown.Value.At);
    }

    [Fact]
    public void the_allowed_fails_policy_gives_a_kind_its_own_number()
    {
        var policy = RouterPolicy.From(new RouterSettings { AllowedFailsPolicy = new ErrorKindCounts { RateLimit = 2, InternalServer = 0 } });
        Assert.Null(Fail(RateLimited, policy));
        Assert.Null(Fail(RateLimited, policy));
        Assert.NotNull(Fail(RateLimited, policy));

        var other = Deployments.Make("other");
        Assert.NotNull(Fail(ServerError, policy, other));
    }

    [Fact]
    public void a_failure_while_already_cooling_starts_nothing_new()
    {
        Assert.NotNull(Fail(Unauthorised));
        Assert.Null(Fail(Unauthorised));
    }

    [Fact]
    public void disabled_cooldowns_never_cool()
    {
        var policy = RouterPolicy.From(new RouterSettings { DisableCooldowns = true });
        Assert.Null(Fail(RateLimited, policy));
        Assert.False(_health.IsCooling(_deployment));
    }

    [Fact]
    public void a_wildcard_deployment_does_not_cool_because_one_model_is_missing_upstream()
    {
        Assert.Null(Fail(Missing, deployment: _deployment with { IsPattern = true }));
        Assert.False(_health.IsCooling(_deployment));
    }
}
