using System.Buffers;
using Gateway.Api.Errors;
using Gateway.Api.Events;
using Gateway.Api.Providers;
using Gateway.Api.Providers.Tokens;
using Gateway.Domain.Routing;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Gateway.Api.Routing;

/// <summary>
/// Places a call on a deployment and sees it through failures, as LiteLLM's router does: a deployment is picked by
/// the strategy among the group's available ones (not cooling, right tags, big enough, under their limits, lowest
/// <c>order</c>); a failure is counted towards a cooldown and retried (Polly) on another available deployment at
/// once, or on the same one after a backoff; when the group's retries are spent, the fallback groups are tried in
/// turn. Each attempt has a deadline: <c>timeout</c>, or for a stream <c>stream_timeout</c> to the first chunk and
/// between chunks. A stream is only handed back once its first chunk has arrived, so nothing reaches the client
/// before the router has settled on a deployment, and nothing is retried after.
/// </summary>
public sealed partial class Router
{
    readonly DeploymentCatalog _deployments;
    readonly DeploymentHealth _health;
    readonly DeploymentLoad _load;
    readonly TimeProvider _time;
    readonly EventQueue _events;
    readonly ILogger<Router> _logger;
    readonly ResiliencePipeline<Attempt> _retries;

    public Router(DeploymentCatalog deployments, RouterPolicy policy, DeploymentHealth health, DeploymentLoad load, TimeProvider time,
        EventQueue events, ILogger<Router> logger)
    {
        _deployments = deployments;
        Policy = policy;
        _health = health;
        _load = load;
        _time = time;
        _events = events;
        _logger = logger;
        _retries = policy.MaxRetries == 0
            ? ResiliencePipeline<Attempt>.Empty
            : new ResiliencePipelineBuilder<Attempt> { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions<Attempt>
                {
                    MaxRetryAttempts = policy.MaxRetries,
                    // The attempt itself says how many retries its kind of failure gets and how long to wait first.
                    ShouldHandle = static args => ValueTask.FromResult(
                        args.Outcome.Result is { Error: not null } failed && args.AttemptNumber < failed.RetriesAllowed),
                    DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result.Delay),
                })
                .Build();

        // LiteLLM accepts fallbacks to groups that do not exist (and fails at call time); say so at start-up instead.
        foreach (var (setting, name) in policy.NamedGroups().Distinct())
            if (deployments.Current.Find(name) is null)
                LogUnknownFallbackGroup(logger, setting, name);
    }

    public RouterPolicy Policy { get; }

    /// <summary>
    /// Every deployment the call might be sent to: the group's, and those of the fallback groups the caller may use.
    /// The budget reservation covers the dearest of them.
    /// </summary>
    public IEnumerable<Deployment> MayServe(ModelGroup group, RouteRequest route)
    {
        foreach (var deployment in group.Deployments)
            yield return deployment;
        if (route.DisableFallbacks)
            yield break;
        foreach (var name in Policy.PossibleFallbacks(group.Name, route.ClientFallbacks))
        {
            if (FallbackGroup(name, group, route) is { } fallback)
                foreach (var deployment in fallback.Deployments)
                    yield return deployment;
        }
    }

    /// <summary>Sends the call through <paramref name="group"/>, retrying and falling back; see the class summary.</summary>
    public async ValueTask<RouteResult> SendAsync(ModelGroup group, RouteRequest route, CancellationToken ct)
    {
        var primary = await SendToGroupAsync(group, route, ct);
        var retries = primary.Retries;
        if (primary.Outcome.Reply is { } answered)
            return new RouteResult(answered, primary.Deployment, retries, 0);

        var fallbacks = 0;
        var last = primary.Deployment;
        if (!route.DisableFallbacks)
        {
            foreach (var name in Policy.FallbacksFor(group.Name, primary.Outcome.Kind, route.ClientFallbacks))
            {
                if (fallbacks >= Policy.MaxFallbacks)
                    break;
                if (FallbackGroup(name, group, route) is not { } fallback)
                    continue;

                fallbacks++;
                LogFallingBack(_logger, route.RequestId, group.Name, fallback.Name, primary.Outcome.Error!.Status);
                var attempt = await SendToGroupAsync(fallback, route, ct);
                retries += attempt.Retries;
                last = attempt.Deployment ?? last;
                if (attempt.Outcome.Reply is { } rescued)
                    return new RouteResult(rescued, attempt.Deployment, retries, fallbacks);
            }
        }

        // As LiteLLM does, the client hears why its own model failed, not why the last fallback did.
        return new RouteResult(new UpstreamFailure(primary.Outcome.Error!), last, retries, fallbacks);
    }

    /// <summary>The call ended: its tokens count towards the deployment's minute and, when it succeeded, its latency is kept.</summary>
    public void Completed(Deployment deployment, int totalTokens, int completionTokens, TimeSpan upstreamTime, TimeSpan? firstChunk, bool succeeded)
    {
        _load.AddTokens(deployment, totalTokens);
        if (succeeded)
            _load.AddLatency(deployment, upstreamTime, completionTokens, firstChunk);
    }

    /// <summary>A fallback group the call may go to: known, not the group that failed, and one the caller may use.</summary>
    ModelGroup? FallbackGroup(string name, ModelGroup failed, RouteRequest route)
    {
        var fallback = _deployments.Current.Find(name);
        if (fallback is null || fallback.Name == failed.Name)
            return null;
        // Keys and teams keep their model lists on fallbacks too: a failure must not open a model the key may not call.
        return route.MayUse(fallback.Name) || route.MayUse(name) ? fallback : null;
    }

    async ValueTask<(Attempt Outcome, Deployment? Deployment, int Retries)> SendToGroupAsync(ModelGroup group, RouteRequest route, CancellationToken ct)
    {
        var call = new GroupCall(this, group, route);
        var outcome = await _retries.ExecuteAsync(static (call, token) => call.Router.AttemptAsync(call, token), call, ct);
        return (outcome, call.Last, Math.Max(0, call.Attempts - 1));
    }

    /// <summary>One try: pick, send under the deadline, and for a stream wait for its first chunk.</summary>
    async ValueTask<Attempt> AttemptAsync(GroupCall call, CancellationToken ct)
    {
        call.Busy.Clear();
        Deployment? deployment;
        ApiError? refusal;
        // The pick and the start are two steps: a deployment another call just filled up is passed over for this pick.
        while ((deployment = Select(call, Tried.Avoid, out refusal)) is not null && !_load.TryStart(deployment))
            call.Busy.Add(deployment.Id);
        if (deployment is null)
            return new Attempt(null, refusal, UpstreamErrorKinds.Of(refusal!), 0, TimeSpan.Zero);

        call.Attempts++;
        call.Last = deployment;
        call.Route.Attempted = deployment;
        call.Tried.Add(deployment.Id);

        var request = call.Route.Request;
        var timeout = request.Stream ? deployment.StreamTimeout ?? deployment.Timeout : deployment.Timeout;
        // A deadline on the router's clock (tests replace it), cancelled also when the client leaves.
        var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        var leaving = ct.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        deadline.CancelAfter(timeout);
        var handedOver = false;
        try
        {
            ApiError error;
            var upstreamCall = new UpstreamCall(request, deployment, call.Route.RequestId, call.Route.StartedAt);
            UpstreamReply reply;
            try
            {
                reply = await (call.Route.Dialect is { } dialect
                    ? dialect.SendAsync(upstreamCall, deadline.Token)
                    : deployment.Provider.SendAsync(upstreamCall, deadline.Token));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                reply = new UpstreamFailure(ApiError.UpstreamTimeout(deployment.Id, timeout.TotalSeconds));
            }

            switch (reply)
            {
                case UpstreamBody:
                    return new Attempt(reply, null, default, 0, TimeSpan.Zero);

                case UpstreamStream stream:
                    var chunks = stream.Chunks.GetAsyncEnumerator(deadline.Token);
                    var (hasFirst, broke) = await FirstChunkAsync(chunks, deployment, timeout, deadline, ct);
                    if (broke is null)
                    {
                        // From here the stream's deadline runs only while it waits for the next chunk (RoutedStream).
                        deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                        handedOver = true;
                        var routed = new RoutedStream(this, deployment, chunks, hasFirst, stream, deadline, leaving, timeout, ct);
                        return new Attempt(new UpstreamStream(routed, routed), null, default, 0, TimeSpan.Zero);
                    }
                    await chunks.DisposeAsync();
                    await stream.DisposeAsync();
                    error = broke;
                    break;

                default:
                    error = ((UpstreamFailure)reply).Error;
                    await reply.DisposeAsync();
                    break;
            }

            return Failed(call, deployment, error.WithoutSecretsOf(deployment));
        }
        finally
        {
            if (!handedOver)
            {
                _load.Ended(deployment);
                leaving.Dispose();
                deadline.Dispose();
            }
        }
    }

    /// <summary>Waits for a stream's first chunk under the attempt's deadline; a failure before it can still be retried.</summary>
    static async ValueTask<(bool HasFirst, ApiError? Error)> FirstChunkAsync(
        IAsyncEnumerator<ReadOnlyMemory<byte>> chunks, Deployment deployment, TimeSpan timeout, CancellationTokenSource deadline, CancellationToken ct)
    {
        try
        {
            return (await chunks.MoveNextAsync(), null);
        }
        catch (UpstreamStreamException ex) when (!deadline.IsCancellationRequested)
        {
            return (false, ex.Error);
        }
        catch (Exception ex) when ((ex is OperationCanceledException or UpstreamStreamException) && !ct.IsCancellationRequested)
        {
            return (false, ApiError.UpstreamTimeout(deployment.Id, timeout.TotalSeconds));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (false, ApiError.UpstreamUnreachable(deployment.ProviderName, ex.Message));
        }
    }

    /// <summary>Counts the failure, and says how many retries it gets and how long to wait before the next.</summary>
    Attempt Failed(GroupCall call, Deployment deployment, ApiError error)
    {
        var kind = UpstreamErrorKinds.Of(error);
        RecordFailure(deployment, kind, error);

        var retries = Policy.RetriesFor(kind, call.Group.Name, call.Group.Deployments.Count);
        var delay = TimeSpan.Zero;
        if (call.Attempts <= retries)
        {
            if (Select(call, Tried.Exclude, out _) is not null)
            {
                // Another deployment takes the retry at once.
            }
            else if (Select(call, Tried.Include, out _) is not null)
            {
                delay = Policy.BackoffFor(call.Attempts - 1, error.RetryAfterSeconds, Random.Shared.NextDouble());
            }
            else
            {
                retries = 0; // nothing left to try in this group: on to the fallbacks
            }
        }
        return new Attempt(null, error, kind, retries, delay);
    }

    /// <summary>A failure of <paramref name="deployment"/>, before or during its answer, towards its cooldown.</summary>
    internal void RecordFailure(Deployment deployment, UpstreamErrorKind kind, ApiError error)
    {
        if (kind == UpstreamErrorKind.Timeout)
            _load.AddTimeout(deployment);
        if (_health.RecordFailure(deployment, kind, error, Policy) is not { } cooldown)
            return;

        LogCooledDown(_logger, deployment.ToString(), (cooldown.Until - cooldown.At).TotalSeconds, error.Status, cooldown.FailuresThisMinute);
        _events.TryEnqueue(Guid.CreateVersion7(), new DeploymentCooledDown(
            deployment.Id, deployment.ModelGroup, deployment.ProviderName, deployment.UpstreamModel,
            deployment.ApiBase?.GetLeftPart(UriPartial.Path), error.Status, error.Type,
            error.Message.Length <= 500 ? error.Message : error.Message[..500],
            cooldown.FailuresThisMinute, cooldown.At, cooldown.Until));
    }

    internal void StreamEnded(Deployment deployment) => _load.Ended(deployment);

    /// <summary>
    /// The deployment to try: among the group's deployments that are not cooling down, match the request's tags, hold
    /// its prompt (pre-call checks) and are under their limits, those of the lowest <c>order</c>, chosen by the strategy.
    /// Deployments that already failed this call are passed over while others remain. Null, with the refusal, when none is left.
    /// </summary>
    Deployment? Select(GroupCall call, Tried tried, out ApiError? refusal)
    {
        refusal = null;
        var group = call.Group;
        var deployments = group.Deployments;
        if (!call.TagsAllow(out var allowed, out refusal))
            return null;

        var strategy = Policy.Strategy;
        var checkLimits = strategy.KeepsUnderDeploymentLimits || Policy.PreCallChecks;
        var buffer = ArrayPool<Deployment>.Shared.Rent(deployments.Count);
        try
        {
            int count = 0;
            bool skippedTried = false, tooLong = false, atLimit = false;
            var soonest = TimeSpan.MaxValue;
            List<string>? cooling = null;
            for (var i = 0; i < deployments.Count; i++)
            {
                var deployment = deployments[i];
                if (allowed is not null && !allowed[i])
                    continue;
                var coolingFor = _health.CoolingFor(deployment);
                if (coolingFor > TimeSpan.Zero)
                {
                    (cooling ??= []).Add(deployment.Id);
                    soonest = coolingFor < soonest ? coolingFor : soonest;
                    continue;
                }
                if (tried != Tried.Include && call.Tried.Contains(deployment.Id))
                {
                    skippedTried = true;
                    continue;
                }
                if (Policy.PreCallChecks && deployment.MaxInputTokens is { } window && call.PromptTokens > window)
                {
                    tooLong = true;
                    continue;
                }
                if (deployment.MaxParallelRequests is { } parallel && (_load.InFlight(deployment) >= parallel || call.Busy.Contains(deployment.Id))
                    || checkLimits && OverItsLimits(deployment, call.PromptTokens))
                {
                    atLimit = true;
                    continue;
                }
                buffer[count++] = deployment;
            }

            if (count == 0)
            {
                if (tried == Tried.Avoid && skippedTried)
                    return Select(call, Tried.Include, out refusal);
                refusal = tooLong && cooling is null && !atLimit
                    ? RoutingErrors.NoContextWindowLargeEnough(call.Route.Request.Model, call.PromptTokens)
                    : RoutingErrors.NoDeploymentsAvailable(call.Route.Request.Model,
                        cooling is null ? UntilNextMinute() : soonest, Policy.PreCallChecks, cooling ?? []);
                return null;
            }

            count = KeepLowestOrder(buffer, count);
            var context = new PickContext(_load, call.Route.Request.Stream, checkLimits ? call.PromptTokens : 0, Random.Shared);
            return count == 1 ? buffer[0] : strategy.Choose(buffer.AsSpan(0, count), context);
        }
        finally
        {
            Array.Clear(buffer, 0, deployments.Count);
            ArrayPool<Deployment>.Shared.Return(buffer);
        }
    }

    /// <summary>What to do with deployments that already failed this call.</summary>
    enum Tried { Avoid, Exclude, Include }

    bool OverItsLimits(Deployment deployment, int promptTokens)
    {
        if (deployment.Rpm is null && deployment.Tpm is null)
            return false;
        var (requests, tokens) = _load.ThisMinute(deployment);
        return requests + 1 > deployment.Rpm || tokens + promptTokens > deployment.Tpm;
    }

    /// <summary>Only the lowest <c>order</c> serves while it has an available deployment; no order counts as last.</summary>
    static int KeepLowestOrder(Deployment[] buffer, int count)
    {
        var lowest = int.MaxValue;
        for (var i = 0; i < count; i++)
            lowest = Math.Min(lowest, buffer[i].Order ?? int.MaxValue);
        var kept = 0;
        for (var i = 0; i < count; i++)
            if ((buffer[i].Order ?? int.MaxValue) == lowest)
                buffer[kept++] = buffer[i];
        return kept;
    }

    TimeSpan UntilNextMinute()
    {
        var now = _time.GetUtcNow();
        return TimeSpan.FromSeconds(60 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Deployment} cools down for {Seconds} s after a {Status} ({Failures} failures this minute)")]
    static partial void LogCooledDown(ILogger logger, string deployment, double seconds, int status, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "router_settings.{Setting} names model group {ModelGroup}, which no model_list entry serves; it is skipped.")]
    static partial void LogUnknownFallbackGroup(ILogger logger, string setting, string modelGroup);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: {ModelGroup} failed with {Status}; falling back to {Fallback}")]
    static partial void LogFallingBack(ILogger logger, Guid requestId, string modelGroup, string fallback, int status);

    /// <summary>
    /// One try's outcome: the reply to answer with, or the error with the retries its kind allows and the wait before
    /// the next. Never holds a resource that needs freeing when a retry drops it.
    /// </summary>
    internal readonly record struct Attempt(UpstreamReply? Reply, ApiError? Error, UpstreamErrorKind Kind, int RetriesAllowed, TimeSpan Delay);

    /// <summary>A call's pass through one model group.</summary>
    sealed class GroupCall(Router router, ModelGroup group, RouteRequest route)
    {
        int _promptTokens = -1;
        bool[]? _tagged;
        ApiError? _tagRefusal;
        bool _tagsDone;

        public Router Router { get; } = router;
        public ModelGroup Group { get; } = group;
        public RouteRequest Route { get; } = route;
        public List<string> Tried { get; } = new(2);

        /// <summary>Deployments found full (max_parallel_requests) during this attempt's pick.</summary>
        public List<string> Busy { get; } = [];
        public int Attempts { get; set; }
        public Deployment? Last { get; set; }

        /// <summary>The prompt's tokens, counted once (for pre-call checks and tpm limits).</summary>
        public int PromptTokens => _promptTokens >= 0
            ? _promptTokens
            : _promptTokens = TokenCounter.Shared.CountPrompt(Route.Request, Group.Deployments[0].UpstreamModel);

        /// <summary>
        /// Tag routing (<c>enable_tag_filtering</c>): a tagged request goes to deployments with one of its tags, else to
        /// those tagged <c>default</c>; an untagged one to those tagged <c>default</c> when there are any. Null: all.
        /// </summary>
        public bool TagsAllow(out bool[]? allowed, out ApiError? refusal)
        {
            if (!_tagsDone)
            {
                _tagsDone = true;
                if (Router.Policy.TagFiltering)
                    (_tagged, _tagRefusal) = ByTags(Group, Route);
            }
            allowed = _tagged;
            refusal = _tagRefusal;
            return refusal is null;
        }

        static (bool[]?, ApiError?) ByTags(ModelGroup group, RouteRequest route)
        {
            var deployments = group.Deployments;
            var tags = route.Tags;
            var allowed = new bool[deployments.Count];
            var any = false;
            if (tags.Count > 0)
            {
                for (var i = 0; i < deployments.Count; i++)
                    any |= allowed[i] = deployments[i].Tags.Any(tags.Contains);
                if (any)
                    return (allowed, null);
            }
            for (var i = 0; i < deployments.Count; i++)
                any |= allowed[i] = deployments[i].Tags.Contains("default");
            if (any)
                return (allowed, null);
            return tags.Count > 0 ? (null, RoutingErrors.NoDeploymentForTags(route.Request.Model, tags)) : (null, null);
        }
    }
}
