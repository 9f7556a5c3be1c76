using Gateway.Api.Config;
using Gateway.Api.Errors;
using Gateway.Api.Routing;

namespace Gateway.Api.Tests.Routing;

/// <summary>Retries per kind of error, fallback lists, backoff: the router's decisions, from settings alone.</summary>
public sealed class RouterPolicyTests
{
    [Theory]
    [InlineData(429, null, UpstreamErrorKind.RateLimit)]
    [InlineData(401, null, UpstreamErrorKind.Authentication)]
    [InlineData(403, null, UpstreamErrorKind.PermissionDenied)]
    [InlineData(404, null, UpstreamErrorKind.NotFound)]
    [InlineData(408, null, UpstreamErrorKind.Timeout)]
    [InlineData(500, null, UpstreamErrorKind.InternalServer)]
    [InlineData(502, null, UpstreamErrorKind.InternalServer)]
    [InlineData(400, null, UpstreamErrorKind.BadRequest)]
    [InlineData(422, null, UpstreamErrorKind.BadRequest)]
    [InlineData(400, "context_length_exceeded", UpstreamErrorKind.ContextWindow)]
    [InlineData(400, "content_policy_violation", UpstreamErrorKind.ContentPolicy)]
    [InlineData(400, "content_filter", UpstreamErrorKind.ContentPolicy)]
    public void errors_are_told_apart_by_status_and_code(int status, string? code, UpstreamErrorKind kind) =>
        Assert.Equal(kind, UpstreamErrorKinds.Of(new ApiError(status, "x", "message", Code: code)));

    [Fact]
    public void litellm_exception_names_in_the_message_are_recognised()
    {
        Assert.Equal(UpstreamErrorKind.ContentPolicy,
            UpstreamErrorKinds.Of(new ApiError(400, "invalid_request_error", "litellm.ContentPolicyViolationError: AzureException - filtered")));
        Assert.Equal(UpstreamErrorKind.ContextWindow,
            UpstreamErrorKinds.Of(new ApiError(400, "invalid_request_error", "This model's maximum context length is 8192 tokens")));
        Assert.Equal(UpstreamErrorKind.Timeout, UpstreamErrorKinds.Of(ApiError.UpstreamTimeout("d", 2)));
    }

    [Fact]
    public void by_default_transient_errors_get_two_retries_and_refused_requests_none()
    {
        var policy = RouterPolicy.Default;
        Assert.Equal(2, policy.RetriesFor(UpstreamErrorKind.RateLimit, "g", 1));
        Assert.Equal(2, policy.RetriesFor(UpstreamErrorKind.Timeout, "g", 1));
        Assert.Equal(2, policy.RetriesFor(UpstreamErrorKind.InternalServer, "g", 1));
        Assert.Equal(0, policy.RetriesFor(UpstreamErrorKind.BadRequest, "g", 3));
        Assert.Equal(0, policy.RetriesFor(UpstreamErrorKind.ContextWindow, "g", 3));
        Assert.Equal(0, policy.RetriesFor(UpstreamErrorKind.Authentication, "g", 1));
        Assert.Equal(2, policy.RetriesFor(UpstreamErrorKind.Authentication, "g", 2));
        Assert.Equal(0, policy.RetriesFor(UpstreamErrorKind.NotFound, "g", 1));
    }

    [Fact]
    public void the_retry_policy_sets_retries_per_kind_over_num_retries()
    {
        var policy = RouterPolicy.From(new RouterSettings
        {
            NumRetries = 1,
            RetryPolicy = new ErrorKindCounts { RateLimit = 5, BadRequest = 1, Authentication = 0, ContentPolicyViolation = 2 },
        });
        Assert.Equal(5, policy.RetriesFor(UpstreamErrorKind.RateLimit, "g", 1));
        Assert.Equal(1, policy.RetriesFor(UpstreamErrorKind.InternalServer, "g", 1));
        Assert.Equal(1, policy.RetriesFor(UpstreamErrorKind.BadRequest, "g", 1));
        Assert.Equal(0, policy.RetriesFor(UpstreamErrorKind.Authentication, "g", 3));
        Assert.Equal(2, policy.RetriesFor(UpstreamErrorKind.ContentPolicy, "g", 1));
        Assert.Equal(5, policy.MaxRetries);
    }

    [Fact]
    public void a_specific_fallback_list_is_used_at_once_instead_of_retrying()
    {
        var policy = RouterPolicy.From(new RouterSettings
        {
            RetryPolicy = new ErrorKindCounts { BadRequest = 3, ContentPolicyViolation = 3 },
            ContextWindowFallbacks = [new FallbackRule("g", ["long"])],
            ContentPolicyFallbacks = [new FallbackRule("g", ["lenient"])],
        });
        Assert.Equal(0, policy.RetriesFor(UpstreamErrorKind.ContextWindow, "g", 1));
        Assert.Equal(0, policy.RetriesFor(UpstreamErrorKind.ContentPolicy, "g", 1));
        Assert.Equal(3, policy.RetriesFor(UpstreamErrorKind.ContextWindow, "other", 1));
    }

    [Fact]
    public void fallbacks_are_chosen_by_kind_then_group_then_star_then_default()
    {
        var policy = RouterPolicy.From(new RouterSettings
        {
            Fallbacks = [new FallbackRule("a", ["a2"]), new FallbackRule("*", ["any"])],
            ContextWindowFallbacks = [new FallbackRule("a", ["a-long"])],
            ContentPolicyFallbacks = [new FallbackRule("a", ["a-lenient"])],
            DefaultFallbacks = ["default"],
        });

        Assert.Equal(["a2"], policy.FallbacksFor("a", UpstreamErrorKind.InternalServer, null));
        Assert.Equal(["a-long"], policy.FallbacksFor("a", UpstreamErrorKind.ContextWindow, null));
        Assert.Equal(["a-lenient"], policy.FallbacksFor("a", UpstreamErrorKind.ContentPolicy, null));
        Assert.Equal(["any"], policy.FallbacksFor("b", UpstreamErrorKind.RateLimit, null));
        Assert.Equal(["any"], policy.FallbacksFor("b", UpstreamErrorKind.ContextWindow, null));
        Assert.Empty(policy.FallbacksFor("a", UpstreamErrorKind.BadRequest, null));
        Assert.Equal(["mine"], policy.FallbacksFor("a", UpstreamErrorKind.Timeout, ["mine"]));
        Assert.Equal(["a-long"], policy.FallbacksFor("a", UpstreamErrorKind.ContextWindow, ["mine"]));

        var defaults = RouterPolicy.From(new RouterSettings { DefaultFallbacks = ["default"] });
        Assert.Equal(["default"], defaults.FallbacksFor("b", UpstreamErrorKind.Timeout, null));
        Assert.Equal(["a-long", "a-lenient", "a2"], policy.PossibleFallbacks("a", null));
    }

    [Fact]
    public void backoff_doubles_from_half_a_second_with_jitter_and_honours_retry_after_up_to_a_minute()
    {
        var policy = RouterPolicy.Default;
        Assert.Equal(TimeSpan.FromSeconds(0.5), policy.BackoffFor(0, null, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(0.75), policy.BackoffFor(1, null, random: 1)); // 1 s less a quarter
        Assert.Equal(TimeSpan.FromSeconds(8), policy.BackoffFor(10, null, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(7), policy.BackoffFor(0, 7, random: 0.5));
        Assert.Equal(TimeSpan.FromSeconds(0.5), policy.BackoffFor(0, 3600, random: 0));

        var patient = RouterPolicy.From(new RouterSettings { RetryAfter = 2 });
        Assert.Equal(TimeSpan.FromSeconds(2), patient.BackoffFor(0, null, random: 0));
    }

    [Fact]
    public void defaults_are_litellm_s()
    {
        var policy = RouterPolicy.Default;
        Assert.Equal((2, 3, TimeSpan.FromSeconds(5), 5), (policy.NumRetries, policy.AllowedFails, policy.Cooldown, policy.MaxFallbacks));
        Assert.Equal("simple-shuffle", policy.Strategy.Name);
    }
}
