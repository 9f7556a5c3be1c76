using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Gateway.Api.Errors;
using Gateway.Api.Events;
using Gateway.Api.Limits;
using Gateway.Api.Providers;
using Gateway.Api.Providers.Tokens;
using Gateway.Api.Routing;
using Gateway.Domain.Budgets;
using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Proxy;

/// <summary>
/// The hot path: one OpenAI call through the gateway. It reads only memory; the facts it produces leave through
/// the bounded <see cref="EventQueue"/>. Not a Wolverine message handler, whatever its name suggests to Wolverine's
/// discovery (it would otherwise generate a handler for HttpContext "messages").
/// </summary>
[Wolverine.Attributes.WolverineIgnore]
public sealed partial class ProxyHandler(
    Authenticator authenticator,
    DeploymentCatalog deployments,
    Router router,
    ProxyOptions options,
    EventQueue events,
    BudgetLedger budgets,
    RateLimiter rates,
    CallLimits limits,
    BudgetSeeder seeder,
    Limits.Shared.SharedLimits shared,
    TimeProvider time,
    ILogger<ProxyHandler> logger)
{
    static readonly byte[] DataPrefix = "data: "u8.ToArray();
    static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>
    /// 1. Authenticate the key. 2. Read the body, bounded. 3. Parse the fields the gateway needs.
    /// 4. Find the model group and check the key may use it (and the fallbacks it names). 5. Take the rate-limit slots
    /// and reserve the worst-case cost (on the dearest deployment that may serve) against every budget that applies.
    /// 6. Forward through the <see cref="Router"/>: deployment by strategy, retries, cooldowns, fallbacks, timeouts.
    /// 7. Answer with JSON or an SSE stream and LiteLLM's x-litellm-* headers. 8. Price the usage, settle the
    /// reservation, record RequestCompleted or RequestFailed.
    /// </summary>
    public Task HandleAsync(HttpContext context, OpenAIEndpoint endpoint) => HandleAsync(context, endpoint, null);

    /// <summary>The same call for a client of another API (Anthropic's /v1/messages): <paramref name="dialect"/> translates.</summary>
    public async Task HandleAsync(HttpContext context, OpenAIEndpoint endpoint, ClientDialect? dialect)
    {
        // On a graceful stop the event queue stays open until every call in progress has recorded itself.
        using var recording = events.StartRecording();
        var call = new CallRecord(Guid.CreateVersion7(), time.GetUtcNow(), Stopwatch.GetTimestamp(), endpoint) { Dialect = dialect };
        try
        {
            await HandleAsync(context, call);
        }
        finally
        {
            // Whatever ended the call (a failure, the client leaving), nothing stays reserved.
            ReleaseHolds(call, 0m, 0);
        }
    }

    /// <summary>Settles the budget reservation and frees the rate-limit slots, once; later calls do nothing.</summary>
    void ReleaseHolds(CallRecord call, decimal cost, int tokens)
    {
        if (call.Reservation is { IsEmpty: false } held)
        {
            budgets.Settle(held, cost);
            if (call.SharedBudgets is { } sharedBudgets)
                shared.Settle(call.RequestId, sharedBudgets, call.SharedHeld, cost);
        }
        if (call.Lease is { IsEmpty: false } lease)
        {
            rates.Release(lease, tokens);
            if (call.SharedRates is { } sharedRates)
                shared.ReleaseRates(sharedRates, tokens);
        }
        call.Reservation = null;
        call.Lease = null;
        call.SharedBudgets = null;
        call.SharedRates = null;
    }

    async Task HandleAsync(HttpContext context, CallRecord call)
    {
        var endpoint = call.Endpoint;
        context.Response.Headers["x-litellm-call-id"] = call.RequestId.ToString();

        // 1. Authenticate
        var (caller, authError) = await authenticator.AuthenticateAsync(context.Request, context.RequestAborted);
        if (caller is null)
        {
            await WriteErrorAsync(context, call, authError!);
            return;
        }
        call.Caller = caller;

        // 2. Read the body
        RequestBody? read;
        try
        {
            read = await RequestBody.ReadAsync(context.Request, options.MaxRequestBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            // The body ended before its Content-Length said (a client that hung up mid-upload): nothing to serve.
            if (!context.RequestAborted.IsCancellationRequested)
                await FailAsync(context, call, ApiError.InvalidBody(ex.Message));
            return;
        }
        using var body = read;
        if (body is null)
        {
            await FailAsync(context, call, ApiError.BodyTooLarge(options.MaxRequestBytes));
            return;
        }

        // 3. Parse (a client of another API has its body translated to OpenAI's first)
        ApiError? parseError = null;
        using var translated = call.Dialect?.ToOpenAI(body, out parseError);
        var request = parseError is null ? ProxyRequest.Parse(endpoint, translated ?? body, out parseError, options.MaxJsonDepth) : null;
        if (request is null)
        {
            await FailAsync(context, call, parseError!);
            return;
        }
        call.Request = request;

        // 4. Route: the model group (a name, an alias or a wildcard match), and check the caller may use it, and any
        //    fallbacks it names (as LiteLLM does), for this end user
        var table = deployments.Current;
        call.PriceSheetVersion = table.PriceSheetVersion;
        var group = table.Find(request.Model);
        if (group is null)
        {
            await FailAsync(context, call, ApiError.UnknownModel(request.Model));
            return;
        }
        var customer = limits.Customer(request.User);
        // An alias or wildcard (openai/*) the key lists serves it even when the group's own name is not on the list.
        var accessName = caller.MayUse(request.Model) ? request.Model
            : group.Pattern is { } pattern && caller.MayUse(pattern) ? pattern : group.Name;
        if (limits.Authorise(caller, accessName, request.Model, customer) is { } denied)
        {
            await FailAsync(context, call, denied);
            return;
        }
        foreach (var fallback in request.Fallbacks ?? [])
        {
            if (limits.Authorise(caller, fallback, fallback, customer) is { } fallbackDenied)
            {
                await FailAsync(context, call, fallbackDenied);
                return;
            }
        }
        var route = new RouteRequest(request, call.RequestId, call.StartedAt)
        {
            Dialect = call.Dialect,
            Tags = Tags(request, context.Request),
            ClientFallbacks = request.Fallbacks,
            DisableFallbacks = request.DisableFallbacks,
            MayUse = caller.MayUse,
        };
        SetAttemptHeaders(context.Response, 0, 0);

        // 5. Rate limits, then budgets: every scope that applies, all or nothing
        var rateLimits = limits.RateLimits(caller, group.Name, customer);
        if (rateLimits.Count > 0)
        {
            if (!rates.TryAcquire(rateLimits, out var lease, out var limited))
            {
                var (kind, id) = RateLimitOwner(limited.Scope, caller);
                await FailAsync(context, call, ApiError.RateLimited(kind, id, limited.LimitType, limited.Limit, limited.ResetsAt, time.GetUtcNow()));
                return;
            }
            call.Lease = lease;
            // Then every node's count, when they share one: this node's alone cannot see the others' calls.
            if (shared.SharesRates)
            {
                var counted = await shared.AcquireRatesAsync(rateLimits);
                if (counted.Refusal is { } sharedLimit)
                {
                    rates.GiveBack(lease);
                    call.Lease = null;
                    var (kind, id) = RateLimitOwner(sharedLimit.Scope, caller);
                    await FailAsync(context, call, ApiError.RateLimited(kind, id, sharedLimit.LimitType, sharedLimit.Limit, sharedLimit.ResetsAt, time.GetUtcNow()));
                    return;
                }
                if (counted.Counted)
                    call.SharedRates = rateLimits;
            }
        }

        if (customer is null && request.User is { } endUser)
            await seeder.EnsureUnlistedCustomerAsync(endUser);
        var budgetLimits = limits.Budgets(caller, group.Name, request.User, customer, call.StartedAt);
        if (budgetLimits.Count > 0)
        {
            // Retries and fallbacks may land on a dearer deployment: hold enough for the dearest that may serve. The
            // prompt is first bounded by its bytes; only a call that does not fit that way has its tokens counted.
            var mayServe = router.MayServe(group, route);
            var refused = await ReserveAsync(call, budgetLimits, WorstCase(request, mayServe, exact: false));
            if (refused is not null)
                refused = await ReserveAsync(call, budgetLimits, WorstCase(request, mayServe, exact: true));
            if (refused is { } refusal)
            {
                await FailAsync(context, call, ApiError.BudgetExceeded(refusal.CurrentCost, refusal.MaxBudget, refusal.Scope));
                return;
            }
        }

        // 6. Forward, through the router: retries, cooldowns, fallbacks and timeouts; a stream comes back once its
        //    first chunk has arrived, and nothing is retried after that
        call.UpstreamStartedAt = Stopwatch.GetTimestamp();
        RouteResult routed;
        try
        {
            routed = await router.SendAsync(group, route, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Abandoned(call, route.Attempted);
            return;
        }
        await using var reply = routed.Reply;
        call.UpstreamAnsweredAt = Stopwatch.GetTimestamp();
        call.Deployment = routed.Deployment;
        if (routed.Deployment is { } deployment)
            SetRouteHeaders(context.Response, deployment);
        SetAttemptHeaders(context.Response, routed.Retries, routed.Fallbacks);

        // 7. Answer, 8. Record
        switch (reply)
        {
            case UpstreamFailure failure:
                await FailAsync(context, call, failure.Error);
                break;
            case UpstreamBody complete:
                await AnswerAsync(context, call, complete);
                break;
            case UpstreamStream stream:
                await StreamAsync(context, call, stream);
                break;
        }
    }

    /// <summary>
    /// Holds <paramref name="amount"/> against every budget, in this node's ledger and then, where gateways share their
    /// budgets, in the shared count; the refusal when either says no (and nothing stays held). Completes at once when
    /// nothing is shared.
    /// </summary>
    async ValueTask<BudgetRefusal?> ReserveAsync(CallRecord call, List<BudgetLimit> limits, decimal amount)
    {
        if (!budgets.TryReserve(limits, amount, out var reservation, out var refusal))
            return refusal;
        call.Reservation = reservation;
        if (!shared.SharesBudgets(limits))
            return null;
        var held = await shared.ReserveAsync(limits, amount);
        if (held.Refusal is { } elsewhere)
        {
            budgets.Settle(reservation, 0m);
            call.Reservation = null;
            return elsewhere;
        }
        // Also when it was away (nothing held): the cost still reaches the shared count, now or when it is back.
        call.SharedBudgets = limits;
        call.SharedHeld = held.IsHeld ? amount : 0m;
        return null;
    }

    async Task AnswerAsync(HttpContext context, CallRecord call, UpstreamBody reply)
    {
        var request = call.Request!;
        var json = reply.Json;
        if (call.Dialect is { } dialect && !dialect.TryToClientBody(reply.Json, out json, out var translateError))
        {
            await FailAsync(context, call, translateError!);
            return;
        }
        if (!TryReadUsage(call, reply.Json.Span, out var usage, out _))
        {
            usage = Estimate(request, call.Deployment!, TokenCounter.Shared.CountCompletion(reply.Json.Span, call.Deployment!.UpstreamModel));
            call.UsageEstimated = true;
        }

        var cost = Complete(call, usage, StatusCodes.Status200OK);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        SetOutcomeHeaders(response, call, cost);
        await response.Body.WriteAsync(json, context.RequestAborted);
    }

    async Task StreamAsync(HttpContext context, CallRecord call, UpstreamStream reply)
    {
        var request = call.Request!;
        var response = context.Response;
        var aborted = context.RequestAborted;
        TokenUsage? usage = null;
        using var produced = new CompletionText(TokenCounter.Shared, call.Deployment!.UpstreamModel);
        var started = false;

        try
        {
            await foreach (var chunk in reply.Chunks.WithCancellation(aborted))
            {
                if (!started)
                {
                    call.FirstTokenAt = call.UpstreamAnsweredAt = Stopwatch.GetTimestamp();
                    StartStream(response, call);
                    started = true;
                }

                if (TryReadUsage(call, chunk.Span, out var reported, out var usageOnly))
                {
                    usage = reported;
                    // We asked the upstream for usage so the call can be charged; a client that did not ask gets none.
                    if (usageOnly && !request.IncludeUsage)
                        continue;
                }

                produced.Add(chunk.Span);
                if (call.Dialect is { } dialect)
                    await dialect.WriteChunkAsync(response, chunk, aborted);
                else
                    await WriteEventAsync(response, chunk, aborted);
            }

            if (!started)
                StartStream(response, call);
            if (call.Dialect is { } ending)
                await ending.WriteEndAsync(response, aborted);
            else
                await response.Body.WriteAsync(Done, aborted);
            await response.Body.FlushAsync(aborted);
        }
        catch (UpstreamStreamException ex)
        {
            ChargePartial(call, usage, produced, ex.Error.Status);
            if (!started)
            {
                await FailAsync(context, call, ex.Error);
                return;
            }
            // Headers are gone; the error travels as an SSE event (LiteLLM's shape), then the stream ends.
            var broke = ex.Error.WithoutSecretsOf(call.Deployment);
            if (call.Dialect is { } dialect)
                await dialect.WriteStreamErrorAsync(response, broke, CancellationToken.None);
            else
                await WriteEventAsync(response, ApiErrorWriter.ToJson(broke), CancellationToken.None);
            return;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the upstream call is cancelled with it, and what was produced is charged.
            ChargePartial(call, usage, produced, ApiError.ClientClosedStatus);
            return;
        }

        var finalUsage = usage ?? Estimate(request, call.Deployment!, produced.CountTokens());
        call.UsageEstimated = usage is null;
        var cost = Complete(call, finalUsage, StatusCodes.Status200OK);
        if (response.SupportsTrailers())
            response.AppendTrailer("x-litellm-response-cost", Format(cost));
    }

    /// <summary>
    /// Headers go out with the first chunk, so an upstream that fails before it still gets a proper status. The cost
    /// is only known at the end: it follows as a trailer where the protocol has them (HTTP/2), and is always on the event.
    /// </summary>
    static void StartStream(HttpResponse response, CallRecord call)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        SetDurationHeaders(response.Headers, call);
        if (response.SupportsTrailers())
            response.DeclareTrailer("x-litellm-response-cost");
    }

    static async ValueTask WriteEventAsync(HttpResponse response, ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        var writer = response.BodyWriter;
        writer.Write(DataPrefix);
        writer.Write(json.Span);
        writer.Write(EventEnd);
        await writer.FlushAsync(ct);
    }

    /// <summary>
    /// The client left before the upstream answered. The upstream may still bill the call, so it is recorded: charged for
    /// its prompt (all that is known) once it reached a deployment, else as a failure. Nobody is left to answer.
    /// </summary>
    void Abandoned(CallRecord call, Deployment? attempted)
    {
        if (attempted is null)
        {
            RecordFailure(call, ApiError.ClientClosedRequest());
            return;
        }
        call.Deployment = attempted;
        call.UsageEstimated = true;
        Complete(call, Estimate(call.Request!, attempted, 0), ApiError.ClientClosedStatus);
    }

    /// <summary>
    /// A stream that broke or was abandoned is charged for what it produced: at least the tokens of the chunks that went
    /// out, since the usage a provider reported so far may lag them (Anthropic's message_start counts one output token,
    /// Gemini's early events only the prompt). Its prompt counts as reported, or as counted when nothing was reported.
    /// </summary>
    void ChargePartial(CallRecord call, TokenUsage? usage, CompletionText produced, int status)
    {
        var counted = produced.CountTokens();
        if (usage is not { } reported)
        {
            call.UsageEstimated = true;
            Complete(call, Estimate(call.Request!, call.Deployment!, counted), status);
            return;
        }
        call.UsageEstimated = counted > reported.CompletionTokens;
        Complete(call, call.UsageEstimated ? reported with { CompletionTokens = counted } : reported, status);
    }

    decimal Complete(CallRecord call, TokenUsage usage, int status)
    {
        var deployment = call.Deployment!;
        var cost = CostCalculator.Compute(usage, deployment.Price);
        ReleaseHolds(call, cost, usage.PromptTokens + usage.CompletionTokens);
        router.Completed(deployment, usage.PromptTokens + usage.CompletionTokens, usage.CompletionTokens,
            Stopwatch.GetElapsedTime(call.UpstreamStartedAt), call.FirstTokenAt is { } firstChunk ? Stopwatch.GetElapsedTime(call.UpstreamStartedAt, firstChunk) : null,
            status == StatusCodes.Status200OK);
        var now = time.GetUtcNow();
        var elapsed = Stopwatch.GetElapsedTime(call.Timestamp);
        events.TryEnqueue(call.RequestId, new RequestCompleted(
            call.RequestId, call.StartedAt, now, call.Endpoint.CallType(),
            call.Caller!.KeyHash, call.Caller.TeamId, call.Caller.UserId, call.Request!.User,
            deployment.ModelGroup, deployment.Id, deployment.ProviderName, deployment.UpstreamModel,
            deployment.ApiBase?.GetLeftPart(UriPartial.Path),
            usage.PromptTokens, usage.CompletionTokens, usage.CachedTokens, usage.ReasoningTokens, usage.CacheCreationTokens,
            cost, deployment.Price, call.PriceSheetVersion,
            elapsed.TotalMilliseconds,
            call.FirstTokenAt is { } first ? Stopwatch.GetElapsedTime(call.Timestamp, first).TotalMilliseconds : null,
            call.Request.Stream, status, call.UsageEstimated));
        return cost;
    }

    Task FailAsync(HttpContext context, CallRecord call, ApiError error)
    {
        // An upstream may quote the credential it was sent; it goes no further than this.
        error = error.WithoutSecretsOf(call.Deployment);
        RecordFailure(call, error);
        return WriteErrorAsync(context, call, error);
    }

    void RecordFailure(CallRecord call, ApiError error)
    {
        if (call.Caller is { } caller)
        {
            events.TryEnqueue(call.RequestId, new RequestFailed(
                call.RequestId, call.StartedAt, time.GetUtcNow(), call.Endpoint.CallType(),
                caller.KeyHash, caller.TeamId, caller.UserId, call.Request?.User,
                call.Request?.Model, call.Deployment?.Id, call.Deployment?.ProviderName,
                error.Status, error.Type, Recordable(error.Message, 2000),
                Stopwatch.GetElapsedTime(call.Timestamp).TotalMilliseconds, call.Request?.Stream ?? false));
        }
        if (error.Status >= 500)
            LogUpstreamFailure(logger, call.RequestId, call.Deployment?.ToString() ?? "-", error.Status, error.Message);
    }

    static Task WriteErrorAsync(HttpContext context, CallRecord call, ApiError error) =>
        call.Dialect?.WriteErrorAsync(context, error) ?? ApiErrorWriter.WriteAsync(context, error);

    static bool TryReadUsage(CallRecord call, ReadOnlySpan<byte> json, out TokenUsage usage, out bool usageOnly) =>
        call.Dialect?.TryReadUsage(json, out usage, out usageOnly) ?? UsageReader.TryRead(json, out usage, out usageOnly);

    /// <summary>
    /// The most a call can cost on any deployment that may serve it: its prompt (bounded by its bytes, or when
    /// <paramref name="exact"/> counted with the first one's tokenizer, <see cref="TokenCounter"/>) plus every completion
    /// token it may produce — max_tokens, else the model's output limit — for each of n choices, at the dearest of their prices.
    /// </summary>
    static decimal WorstCase(ProxyRequest request, IEnumerable<Deployment> mayServe, bool exact)
    {
        var worst = 0m;
        var prompt = -1;
        foreach (var deployment in mayServe)
        {
            if (prompt < 0)
                prompt = Math.Max(1, exact ? TokenCounter.Shared.CountPrompt(request, deployment.UpstreamModel) : TokenCounter.PromptTokensAtMost(request));
            var completion = (long)(request.MaxTokens ?? deployment.Price.MaxOutputTokens ?? 4096) * request.N;
            var usage = new TokenUsage(prompt, (int)Math.Min(completion, int.MaxValue));
            worst = Math.Max(worst, CostCalculator.Compute(usage, deployment.Price));
        }
        return worst;
    }

    /// <summary>The request's tags: the body's (<c>tags</c>, <c>metadata.tags</c>) and the <c>x-litellm-tags</c> header's, comma-separated.</summary>
    static IReadOnlyList<string> Tags(ProxyRequest request, HttpRequest http)
    {
        var header = http.Headers["x-litellm-tags"];
        if (header.Count == 0)
            return request.Tags;
        var tags = new List<string>(request.Tags);
        foreach (var value in header)
            foreach (var tag in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (!tags.Contains(tag))
                    tags.Add(tag);
        return tags;
    }

    /// <summary>
    /// When an upstream reports no usage: the prompt's and the produced text's tokens, counted with the model's
    /// tokenizer (<see cref="TokenCounter"/>). Marked as estimated on the event.
    /// </summary>
    static TokenUsage Estimate(ProxyRequest request, Deployment deployment, int completionTokens) =>
        new(Math.Max(1, TokenCounter.Shared.CountPrompt(request, deployment.UpstreamModel)), Math.Max(0, completionTokens));

    static void SetRouteHeaders(HttpResponse response, Deployment deployment)
    {
        var headers = response.Headers;
        headers["x-litellm-model-id"] = deployment.Id;
        headers["x-litellm-model-group"] = deployment.ModelGroup;
        if (deployment.ApiBase is { } apiBase)
            headers["x-litellm-model-api-base"] = apiBase.GetLeftPart(UriPartial.Path);
    }

    /// <summary>On every answer once the call is routed, success or failure, as LiteLLM sends them.</summary>
    static void SetAttemptHeaders(HttpResponse response, int retries, int fallbacks)
    {
        response.Headers["x-litellm-attempted-retries"] = retries.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-litellm-attempted-fallbacks"] = fallbacks.ToString(CultureInfo.InvariantCulture);
    }

    void SetOutcomeHeaders(HttpResponse response, CallRecord call, decimal cost)
    {
        var headers = response.Headers;
        headers["x-litellm-response-cost"] = Format(cost);
        if (call.Caller?.Key is { } key)
        {
            var scope = BudgetScope.ForKey(key.Id);
            headers["x-litellm-key-spend"] = Format(budgets.Spent(scope));
            if (key.MaxBudget is { } max)
                headers["x-litellm-key-max-budget"] = Format(max);
            var (requests, tokens) = rates.Used(scope);
            if (key.RpmLimit is { } rpm)
            {
                headers["x-ratelimit-limit-requests"] = rpm.ToString(CultureInfo.InvariantCulture);
                headers["x-ratelimit-remaining-requests"] = Math.Max(0, rpm - requests).ToString(CultureInfo.InvariantCulture);
            }
            if (key.TpmLimit is { } tpm)
            {
                headers["x-ratelimit-limit-tokens"] = tpm.ToString(CultureInfo.InvariantCulture);
                headers["x-ratelimit-remaining-tokens"] = Math.Max(0, tpm - tokens).ToString(CultureInfo.InvariantCulture);
            }
        }
        SetDurationHeaders(headers, call);
    }

    /// <summary>
    /// The time the call has taken so far and, as LiteLLM reports it, the part of it that was the gateway's own: all of
    /// it but the wait for the upstream (until its answer, or a stream's first chunk).
    /// </summary>
    static void SetDurationHeaders(IHeaderDictionary headers, CallRecord call)
    {
        var total = Stopwatch.GetElapsedTime(call.Timestamp);
        headers["x-litellm-response-duration-ms"] = total.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        var upstream = call.UpstreamStartedAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(call.UpstreamStartedAt, call.UpstreamAnsweredAt);
        headers["x-litellm-overhead-duration-ms"] = Math.Max(0, (total - upstream).TotalMilliseconds).ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>How LiteLLM names the owner of a rate limit in its 429 message.</summary>
    static (string Kind, string Id) RateLimitOwner(BudgetScope scope, Caller caller) => scope.Kind switch
    {
        BudgetScope.Key => ("api_key", caller.Key?.KeyName ?? scope.Id),
        BudgetScope.KeyModel => ("api_key model", $"{caller.Key?.KeyName} {scope.Id[(scope.Id.IndexOf('/') + 1)..]}"),
        BudgetScope.Team => ("team", scope.Id),
        BudgetScope.User => ("user", scope.Id),
        BudgetScope.Customer => ("end_user", scope.Id),
        _ => (scope.Kind, scope.Id),
    };

    static string Format(decimal cost) => cost.ToString("0.############", CultureInfo.InvariantCulture);

    /// <summary>
    /// An upstream's error message as the event can hold it: bounded, and without NUL, which PostgreSQL refuses (one such
    /// event would hold up every event behind it in the writer).
    /// </summary>
    static string Recordable(string text, int max)
    {
        var bounded = text.Length <= max ? text : text[..max];
        return bounded.Contains('\0', StringComparison.Ordinal) ? bounded.Replace('\0', '\uFFFD') : bounded;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} to {Deployment} failed with {Status}: {Message}")]
    static partial void LogUpstreamFailure(ILogger logger, Guid requestId, string deployment, int status, string message);

    /// <summary>What is known about a call so far; filled in as it passes the steps.</summary>
    sealed class CallRecord(Guid requestId, DateTimeOffset startedAt, long timestamp, OpenAIEndpoint endpoint)
    {
        public Guid RequestId { get; } = requestId;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public long Timestamp { get; } = timestamp;
        public OpenAIEndpoint Endpoint { get; } = endpoint;
        public Caller? Caller { get; set; }
        public ProxyRequest? Request { get; set; }
        public Deployment? Deployment { get; set; }
        public long? FirstTokenAt { get; set; }
        public long UpstreamStartedAt { get; set; }
        public long UpstreamAnsweredAt { get; set; }
        public Reservation? Reservation { get; set; }
        public RateLease? Lease { get; set; }
        /// <summary>The budgets and rate limits the shared count (Redis) took this call in, to settle there too.</summary>
        public List<BudgetLimit>? SharedBudgets { get; set; }
        public decimal SharedHeld { get; set; }
        public List<RateLimit>? SharedRates { get; set; }
        public bool UsageEstimated { get; set; }
        public ClientDialect? Dialect { get; init; }
        /// <summary>The sheet the deployment table that routed this call was priced with.</summary>
        public string PriceSheetVersion { get; set; } = "";
    }
}
