using Gateway.Api.Events;
using Gateway.Api.Errors;
using Gateway.Api.Providers;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;
using Gateway.Api.Tests.Hosting;
using Gateway.Api.Config;
using Microsoft.Extensions.Logging;
using Gateway.Domain.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Api.Tests.Routing;

/// <summary>
/// The router alone, on a fake clock, with in-memory providers: deadlines and backoffs are the clock's, so these tests
/// decide timing exactly instead of waiting for it.
/// </summary>
public sealed class RouterTests
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    readonly EventQueue _events = new(new EventQueueOptions(), NullLogger<EventQueue>.Instance);

    /// <summary>Answers each call as told, counting them; <c>Hang</c> waits until the call is cancelled.</summary>
    sealed class ScriptedProvider(params Func<CancellationToken, Task<UpstreamReply>>[] replies) : Provider
    {
        public int Calls;

        public override async ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
        {
            var index = Math.Min(Interlocked.Increment(ref Calls) - 1, replies.Length - 1);
            return await replies[index](ct);
        }

        public static Task<UpstreamReply> Ok(CancellationToken _) => Task.FromResult<UpstreamReply>(new UpstreamBody("{}"u8.ToArray()));

        public static Task<UpstreamReply> ServerError(CancellationToken _) =>
            Task.FromResult<UpstreamReply>(new UpstreamFailure(new ApiError(500, "api_error", "boom")));

        public static async Task<UpstreamReply> Hang(CancellationToken ct)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>A router over one group "g" of <paramref name="deployments"/>.</summary>
    (Router Router, ModelGroup Group) Router(RouterPolicy policy, params Deployment[] deployments)
    {
        var group = new ModelGroup("g", deployments);
        var table = new DeploymentTable(new Dictionary<string, ModelGroup> { ["g"] = group }, "test");
        return (new Router(new DeploymentCatalog(table), policy, new DeploymentHealth(_time), new DeploymentLoad(_time), _time, _events, NullLogger<Router>.Instance), group);
    }

    static Deployment Using(Provider provider, string id, string group = "g", int? order = null, TimeSpan? timeout = null) =>
        Deployments.Make(id, group, order: order) with { Provider = provider, Timeout = timeout ?? TimeSpan.FromSeconds(10) };

    static RouteRequest Request(bool stream = false)
    {
        var body = RequestBody.From(System.Text.Encoding.UTF8.GetBytes(
            $$"""{"model":"g","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}"""));
        var request = ProxyRequest.Parse(OpenAIEndpoint.ChatCompletions, body, out _)!;
        return new RouteRequest(request, Guid.CreateVersion7(), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task an_attempt_past_its_timeout_on_the_router_s_clock_is_a_timeout_and_the_retry_goes_to_another_deployment()
    {
        var hanging = new ScriptedProvider(ScriptedProvider.Hang);
        var healthy = new ScriptedProvider(ScriptedProvider.Ok);
        var (router, group) = Router(RouterPolicy.Default,
            Using(hanging, "hangs", order: 1, timeout: TimeSpan.FromSeconds(30)), Using(healthy, "answers", order: 2));

        var sending = router.SendAsync(group, Request(), TestContext.Current.CancellationToken).AsTask();
        await WaitFor(() => hanging.Calls == 1);
        Assert.False(sending.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(sending.IsCompleted, "still within its 30 s");

        _time.Advance(TimeSpan.FromSeconds(1));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.IsType<UpstreamBody>(result.Reply);
        Assert.Equal(("answers", 1), (result.Deployment!.Id, result.Retries));
        Assert.Equal(1, healthy.Calls);
    }

    [Fact]
    public async Task a_retry_on_the_same_deployment_waits_out_the_backoff_on_the_router_s_clock()
    {
        var flaky = new ScriptedProvider(ScriptedProvider.ServerError, ScriptedProvider.Ok);
        var (router, group) = Router(RouterPolicy.Default, Using(flaky, "only"));

        var sending = router.SendAsync(group, Request(), TestContext.Current.CancellationToken).AsTask();
        await WaitFor(() => flaky.Calls == 1);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(1, flaky.Calls);

        _time.Advance(TimeSpan.FromSeconds(0.5)); // LiteLLM's first backoff is at most half a second
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.IsType<UpstreamBody>(result.Reply);
        Assert.Equal((2, 1), (flaky.Calls, result.Retries));
    }

    [Fact]
    public async Task a_cooldown_is_queued_as_an_event()
    {
        var unauthorised = new ScriptedProvider(_ => Task.FromResult<UpstreamReply>(new UpstreamFailure(new ApiError(401, "authentication_error", "bad key"))));
        var (router, group) = Router(RouterPolicy.Default, Using(unauthorised, "locked"));

        var result = await router.SendAsync(group, Request(), TestContext.Current.CancellationToken);

        Assert.Equal(401, Assert.IsType<UpstreamFailure>(result.Reply).Error.Status);
        Assert.True(_events.Reader.TryRead(out var queued));
        var cooled = Assert.IsType<DeploymentCooledDown>(queued.Event);
        Assert.Equal(("locked", _time.GetUtcNow(), _time.GetUtcNow().AddSeconds(5)), (cooled.DeploymentId, cooled.At, cooled.Until));
    }

    [Fact]
    public void fallbacks_to_groups_no_deployment_serves_are_named_at_start_up()
    {
        var log = new RecordingLogger();
        var policy = RouterPolicy.From(new RouterSettings
        {
            Fallbacks = [new FallbackRule("g", ["g2", "nowhere"]), new FallbackRule("*", ["g"])],
            DefaultFallbacks = ["gone"],
        });
        var groups = new Dictionary<string, ModelGroup> { ["g"] = new("g", [Deployments.Make("a")]), ["g2"] = new("g2", [Deployments.Make("b", "g2")]) };

        _ = new Router(new DeploymentCatalog(new DeploymentTable(groups, "test")), policy, new DeploymentHealth(_time), new DeploymentLoad(_time), _time, _events,
            new Logged<Router>(log));

        Assert.Equal([
            "router_settings.fallbacks names model group nowhere, which no model_list entry serves; it is skipped.",
            "router_settings.default_fallbacks names model group gone, which no model_list entry serves; it is skipped.",
        ], log.Lines);
    }

    sealed class Logged<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }

    static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(10, TestContext.Current.CancellationToken);
        Assert.True(condition());
    }
}
