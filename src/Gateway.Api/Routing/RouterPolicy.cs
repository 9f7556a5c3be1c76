using Gateway.Api.Config;

namespace Gateway.Api.Routing;

/// <summary>
/// The router's settings with LiteLLM's defaults filled in: router_settings first, then the router settings of
/// litellm_settings, then the defaults (2 retries, 3 allowed fails a minute, 5 s cooldowns, at most 5 fallbacks).
/// </summary>
public sealed class RouterPolicy
{
    /// <summary>LiteLLM's router retries as often as the OpenAI SDK does by default.</summary>
    public const int DefaultNumRetries = 2;
    public const int DefaultAllowedFails = 3;
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromSeconds(5);
    public const int DefaultMaxFallbacks = 5;

    /// <summary>LiteLLM's backoff for a retry on the same deployment: 0.5 s doubling, at most 8 s, less up to a quarter of jitter.</summary>
    public static readonly TimeSpan InitialRetryDelay = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(8);

    /// <summary>An upstream's retry-after is honoured up to this; a longer wait is not worth holding the call open (LiteLLM's limit too).</summary>
    public static readonly TimeSpan MaxHonouredRetryAfter = TimeSpan.FromSeconds(60);

    public static RouterPolicy Default { get; } = From(new RouterSettings());

    readonly RouterSettings _settings;

    RouterPolicy(RouterSettings settings)
    {
        _settings = settings;
        Strategy = RoutingStrategy.For(settings.RoutingStrategy, settings.LowestLatencyBuffer ?? 0);
        NumRetries = settings.NumRetries ?? DefaultNumRetries;
        AllowedFails = settings.AllowedFails ?? DefaultAllowedFails;
        Cooldown = settings.CooldownTime is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultCooldown;
        MaxFallbacks = settings.MaxFallbacks ?? DefaultMaxFallbacks;
        MinRetryDelay = TimeSpan.FromSeconds(settings.RetryAfter ?? 0);
        CooldownsDisabled = settings.DisableCooldowns ?? false;
        PreCallChecks = settings.EnablePreCallChecks ?? false;
        TagFiltering = settings.EnableTagFiltering ?? false;
        LatencySamples = settings.MaxLatencyListSize ?? DeploymentLoad.DefaultLatencySamples;
        var retries = settings.RetryPolicy;
        MaxRetries = new[] { NumRetries, retries?.BadRequest ?? 0, retries?.Authentication ?? 0, retries?.Timeout ?? 0,
            retries?.RateLimit ?? 0, retries?.ContentPolicyViolation ?? 0, retries?.InternalServer ?? 0 }.Max();
    }

    /// <summary>router_settings over the router settings found in litellm_settings.</summary>
    public static RouterPolicy From(GatewayConfig config) => From(config.Router.Over(config.Litellm.Routing));

    public static RouterPolicy From(RouterSettings settings) => new(settings);

    public RoutingStrategy Strategy { get; }
    public int NumRetries { get; }

    /// <summary>The most retries any kind of error may get; the retry pipeline's bound.</summary>
    public int MaxRetries { get; }

    public int AllowedFails { get; }
    public TimeSpan Cooldown { get; }
    public bool CooldownsDisabled { get; }
    public int MaxFallbacks { get; }
    public TimeSpan MinRetryDelay { get; }
    public bool PreCallChecks { get; }
    public bool TagFiltering { get; }
    public int LatencySamples { get; }

    /// <summary>
    /// How many times a failure of <paramref name="kind"/> is retried within its model group. Unless
    /// <c>retry_policy</c> says otherwise: rate limits, timeouts and server errors get <c>num_retries</c>; a wrong key or
    /// a missing model only when another deployment could answer; requests the upstream refused as such are not retried
    /// (the same request fails the same way), nor those a specific fallback list is waiting for (as LiteLLM does).
    /// </summary>
    public int RetriesFor(UpstreamErrorKind kind, string modelGroup, int deploymentsInGroup)
    {
        var policy = _settings.RetryPolicy;
        return kind switch
        {
            UpstreamErrorKind.RateLimit => policy?.RateLimit ?? NumRetries,
            UpstreamErrorKind.Timeout => policy?.Timeout ?? NumRetries,
            UpstreamErrorKind.InternalServer => policy?.InternalServer ?? NumRetries,
            UpstreamErrorKind.Authentication => policy?.Authentication ?? (deploymentsInGroup > 1 ? NumRetries : 0),
            UpstreamErrorKind.NotFound => deploymentsInGroup > 1 ? NumRetries : 0,
            UpstreamErrorKind.ContextWindow => HasRule(_settings.ContextWindowFallbacks, modelGroup) ? 0 : policy?.BadRequest ?? 0,
            UpstreamErrorKind.ContentPolicy => HasRule(_settings.ContentPolicyFallbacks, modelGroup) ? 0 : policy?.ContentPolicyViolation ?? 0,
            UpstreamErrorKind.BadRequest => policy?.BadRequest ?? 0,
            _ => 0,
        };
    }

    /// <summary>
    /// Failures of <paramref name="kind"/> a deployment may have in a minute before it cools down; 0 cools at once (a
    /// 429, 401, 404 or timeout, unless <c>allowed_fails_policy</c> gives that kind a number), null never (requests the
    /// upstream refused as such say nothing about its health).
    /// </summary>
    public int? AllowedFailsFor(UpstreamErrorKind kind)
    {
        if (CooldownsDisabled)
            return null;
        var policy = _settings.AllowedFailsPolicy;
        return kind switch
        {
            UpstreamErrorKind.RateLimit => policy?.RateLimit ?? 0,
            UpstreamErrorKind.Authentication => policy?.Authentication ?? 0,
            UpstreamErrorKind.Timeout => policy?.Timeout ?? 0,
            UpstreamErrorKind.NotFound => 0,
            UpstreamErrorKind.InternalServer => policy?.InternalServer ?? AllowedFails,
            _ => null,
        };
    }

    /// <summary>
    /// The groups to fall back to when <paramref name="modelGroup"/> failed with <paramref name="kind"/>, in order:
    /// the client's own list when it sent one; for a context-window or content-policy error the specific list if there
    /// is one; else the group's <c>fallbacks</c> rule, else the <c>*</c> rule, else <c>default_fallbacks</c>. Requests the
    /// upstream refused as such (a plain 400) do not fall back: every group would refuse them.
    /// </summary>
    public IReadOnlyList<string> FallbacksFor(string modelGroup, UpstreamErrorKind kind, IReadOnlyList<string>? clientFallbacks)
    {
        switch (kind)
        {
            case UpstreamErrorKind.BadRequest or UpstreamErrorKind.PermissionDenied:
                return [];
            case UpstreamErrorKind.ContextWindow when Rule(_settings.ContextWindowFallbacks, modelGroup) is { } contextWindow:
                return contextWindow;
            case UpstreamErrorKind.ContentPolicy when Rule(_settings.ContentPolicyFallbacks, modelGroup) is { } contentPolicy:
                return contentPolicy;
        }
        return clientFallbacks ?? Rule(_settings.Fallbacks, modelGroup) ?? _settings.DefaultFallbacks ?? [];
    }

    /// <summary>Every group a call to <paramref name="modelGroup"/> might end up in, for the worst-case budget reservation.</summary>
    public IEnumerable<string> PossibleFallbacks(string modelGroup, IReadOnlyList<string>? clientFallbacks) =>
        (Rule(_settings.ContextWindowFallbacks, modelGroup) ?? [])
            .Concat(Rule(_settings.ContentPolicyFallbacks, modelGroup) ?? [])
            .Concat(clientFallbacks ?? Rule(_settings.Fallbacks, modelGroup) ?? _settings.DefaultFallbacks ?? [])
            .Distinct(StringComparer.Ordinal)
            .Take(MaxFallbacks * 3);

    /// <summary>Every model group the fallback settings name, with the setting that names it, for a start-up check.</summary>
    public IEnumerable<(string Setting, string ModelGroup)> NamedGroups()
    {
        foreach (var (setting, rules) in new[] { ("fallbacks", _settings.Fallbacks), ("context_window_fallbacks", _settings.ContextWindowFallbacks),
            ("content_policy_fallbacks", _settings.ContentPolicyFallbacks) })
        {
            foreach (var rule in rules ?? [])
            {
                if (rule.ModelGroup != "*")
                    yield return (setting, rule.ModelGroup);
                foreach (var target in rule.Fallbacks)
                    yield return (setting, target);
            }
        }
        foreach (var target in _settings.DefaultFallbacks ?? [])
            yield return ("default_fallbacks", target);
    }

    static bool HasRule(IReadOnlyList<FallbackRule>? rules, string modelGroup) => Rule(rules, modelGroup) is { Count: > 0 };

    static IReadOnlyList<string>? Rule(IReadOnlyList<FallbackRule>? rules, string modelGroup)
    {
        if (rules is null)
            return null;
        IReadOnlyList<string>? any = null;
        foreach (var rule in rules)
        {
            if (rule.ModelGroup == modelGroup)
                return rule.Fallbacks;
            if (rule.ModelGroup == "*")
                any ??= rule.Fallbacks;
        }
        return any;
    }

    /// <summary>
    /// The wait before retrying on the same deployment (none is needed when another deployment takes the retry): the
    /// upstream's retry-after up to a minute, else LiteLLM's exponential backoff with jitter; never under <c>retry_after</c>.
    /// </summary>
    public TimeSpan BackoffFor(int attempt, int? retryAfterSeconds, double random)
    {
        TimeSpan delay;
        if (retryAfterSeconds is > 0 && TimeSpan.FromSeconds(retryAfterSeconds.Value) <= MaxHonouredRetryAfter)
        {
            delay = TimeSpan.FromSeconds(retryAfterSeconds.Value);
        }
        else
        {
            var exponential = InitialRetryDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt, 16));
            delay = TimeSpan.FromSeconds(Math.Min(exponential, MaxRetryDelay.TotalSeconds) * (1 - 0.25 * random));
        }
        return delay < MinRetryDelay ? MinRetryDelay : delay;
    }
}
