using Gateway.Api.Config;
using Gateway.Domain.Limits;
using Gateway.Domain.Pricing;
using Microsoft.Extensions.Configuration;

namespace Gateway.Api.Hosting;

/// <summary>
/// Everything the gateway resolved at start-up from flags, environment and config.yaml, in the precedence the
/// README documents. Built once; a mistake throws <see cref="ConfigException"/> and stops start-up.
/// </summary>
public sealed record GatewaySettings(
    GatewayConfig Config,
    string? MasterKey,
    string? DatabaseUrl,
    string StateDirectory,
    PriceSheet Prices,
    long MaxRequestBytes,
    long MaxResponseBytes,
    Func<string, string?> Environment)
{
    /// <summary>Budget alerts go to this URL when <c>general_settings.alerting</c> names "webhook" (LiteLLM's <c>WEBHOOK_URL</c>).</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Waits between attempts to deliver a webhook (<c>GATEWAY_WEBHOOK_RETRY_DELAYS</c>, seconds, comma-separated).</summary>
    public IReadOnlyList<TimeSpan> WebhookRetryDelays { get; init; } = DefaultWebhookRetryDelays;

    /// <summary>The configured price file's prices alone (<c>general_settings.price_sheet</c>, <c>GATEWAY_PRICE_SHEET</c>), the top layer of the active sheet.</summary>
    public PriceSheet? PriceFile { get; init; }

    /// <summary>The configured price file's path, as given.</summary>
    public string? PriceFilePath { get; init; }

    /// <summary>How deeply a proxy request body may nest (<c>max_json_depth</c>, <c>GATEWAY_MAX_JSON_DEPTH</c>).</summary>
    public int MaxJsonDepth { get; init; } = Gateway.Api.Proxy.RequestJson.MaxDepth;

    /// <summary>Wrong keys and failed sign-ins a client may make per window (<c>failed_auth_limit</c>, <c>failed_auth_window_seconds</c>).</summary>
    public FailedAttemptLimit FailedAuthLimit { get; init; } = FailedAttemptLimit.Default;

    /// <summary>Proxies whose <c>X-Forwarded-For</c> is believed (<c>trusted_proxies</c>, <c>GATEWAY_TRUSTED_PROXIES</c>); none by default.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>
    /// Serve known keys while PostgreSQL is unreachable (<c>allow_requests_on_db_unavailable</c>,
    /// <c>GATEWAY_ALLOW_REQUESTS_ON_DB_UNAVAILABLE</c>): true unless set to false; LiteLLM defaults to false.
    /// </summary>
    public bool AllowRequestsOnDbUnavailable { get; init; } = true;

    /// <summary>
    /// How long a node drains on SIGTERM before it stops (<c>general_settings.drain_seconds</c>, our own key, or
    /// <c>GATEWAY_DRAIN_SECONDS</c>; see Draining/NodeDrain): zero, the default, stops at once as a single node does.
    /// </summary>
    public TimeSpan DrainPeriod { get; init; }

    public static readonly IReadOnlyList<TimeSpan> DefaultWebhookRetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    public const double DefaultMaxRequestSizeMb = 32;
    public const double DefaultMaxResponseSizeMb = 64;

    public static GatewaySettings Resolve(IConfiguration configuration)
    {
        // IConfiguration already layers command-line flags over environment variables (and tests over both).
        Func<string, string?> environment = name => configuration[name] is { Length: > 0 } value ? value : null;

        var configPath = environment("config") ?? environment("GATEWAY_CONFIG");
        var config = configPath is null ? GatewayConfig.Empty : ConfigFileLoader.Load(configPath, environment);
        var general = config.General;

        var prices = PriceSheet.Builtin;
        var priceFile = general.PriceSheet ?? environment("GATEWAY_PRICE_SHEET");
        var priceFileSheet = priceFile is null ? null : LoadPriceSheet(priceFile, configPath);
        if (priceFileSheet is not null)
            prices = prices.MergedWith(priceFileSheet);

        return new GatewaySettings(
            config,
            MasterKey: general.MasterKey ?? environment("GATEWAY_MASTER_KEY") ?? environment("LITELLM_MASTER_KEY"),
            DatabaseUrl: general.DatabaseUrl ?? environment("DATABASE_URL"),
            StateDirectory: Path.GetFullPath(environment("GATEWAY_HOME") ?? ".gateway"),
            prices,
            MaxRequestBytes: Megabytes(general.MaxRequestSizeMb ?? DefaultMaxRequestSizeMb),
            MaxResponseBytes: Megabytes(general.MaxResponseSizeMb ?? DefaultMaxResponseSizeMb),
            environment)
        {
            WebhookUrl = ResolveWebhookUrl(config, configPath, environment),
            WebhookRetryDelays = RetryDelays(environment("GATEWAY_WEBHOOK_RETRY_DELAYS")),
            PriceFile = priceFileSheet,
            PriceFilePath = priceFile,
            MaxJsonDepth = JsonDepth(general.MaxJsonDepth, environment("GATEWAY_MAX_JSON_DEPTH"), configPath),
            DrainPeriod = Drain(general.DrainSeconds, environment("GATEWAY_DRAIN_SECONDS"), configPath),
            FailedAuthLimit = FailedAuth(general, environment, configPath),
            TrustedProxies = Proxies(general.TrustedProxies.Count > 0 ? general.TrustedProxies
                : (environment("GATEWAY_TRUSTED_PROXIES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), configPath),
            AllowRequestsOnDbUnavailable = general.AllowRequestsOnDbUnavailable
                ?? Flag(environment("GATEWAY_ALLOW_REQUESTS_ON_DB_UNAVAILABLE"), "GATEWAY_ALLOW_REQUESTS_ON_DB_UNAVAILABLE") ?? true,
        };
    }

    static int JsonDepth(int? configured, string? variable, string? configPath)
    {
        var source = configured is null ? "GATEWAY_MAX_JSON_DEPTH" : "general_settings.max_json_depth";
        int? depth = configured;
        if (depth is null && variable is not null)
            depth = int.TryParse(variable, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        if (depth is null)
            return Gateway.Api.Proxy.RequestJson.MaxDepth;
        if (depth is < 8 or > Gateway.Api.Proxy.RequestJson.MaxDepth)
            throw new ConfigException(configPath ?? "environment", source, null,
                $"expected a whole number from 8 to {Gateway.Api.Proxy.RequestJson.MaxDepth} (the depth every JSON reader in the gateway supports), got '{configured?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? variable}'.");
        return depth.Value;
    }

    /// <summary>An hour at most: longer would outlast any orchestrator's grace period, so it is surely a typo.</summary>
    const double MaxDrainSeconds = 3600;

    static TimeSpan Drain(double? configured, string? variable, string? configPath)
    {
        var source = configured is null ? "GATEWAY_DRAIN_SECONDS" : "general_settings.drain_seconds";
        var seconds = configured;
        if (seconds is null && variable is not null)
            seconds = double.TryParse(variable, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN;
        if (seconds is null)
            return TimeSpan.Zero;
        if (double.IsNaN(seconds.Value) || seconds.Value is < 0 or > MaxDrainSeconds)
            throw new ConfigException(configured is null ? "environment" : configPath ?? "environment", source, null,
                $"expected a number of seconds from 0 to {MaxDrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}, got '{configured?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? variable}'.");
        return TimeSpan.FromSeconds(seconds.Value);
    }

    static FailedAttemptLimit FailedAuth(GeneralSettings general, Func<string, string?> environment, string? configPath)
    {
        var attempts = general.FailedAuthLimit ?? WholeNumber(environment("GATEWAY_FAILED_AUTH_LIMIT"), "GATEWAY_FAILED_AUTH_LIMIT", configPath);
        var seconds = general.FailedAuthWindowSeconds ?? WholeNumber(environment("GATEWAY_FAILED_AUTH_WINDOW_SECONDS"), "GATEWAY_FAILED_AUTH_WINDOW_SECONDS", configPath);
        if (seconds is <= 0)
            throw new ConfigException(configPath ?? "environment", "failed_auth_window_seconds", null, "expected a number of seconds above 0.");
        return new FailedAttemptLimit(
            attempts ?? FailedAttemptLimit.Default.Attempts,
            seconds is { } s ? TimeSpan.FromSeconds(s) : FailedAttemptLimit.Default.Window);
    }

    static bool? Flag(string? text, string name) =>
        text is null ? null
        : ConfigScalar.TryParseBool(text, out var value) ? value
        : throw new ConfigException("environment", name, null, $"expected true or false, got '{text}'.");

    static int? WholeNumber(string? text, string name, string? configPath) =>
        text is null ? null
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value
        : throw new ConfigException(configPath ?? "environment", name, null, $"expected a whole number, got '{text}'.");

    /// <summary>Addresses (<c>10.0.0.7</c>) or CIDR ranges (<c>10.0.0.0/8</c>, <c>fd00::/8</c>).</summary>
    static IReadOnlyList<System.Net.IPNetwork> Proxies(IEnumerable<string> entries, string? configPath)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in entries)
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network))
                networks.Add(network);
            else if (System.Net.IPAddress.TryParse(entry, out var address))
                networks.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else
                throw new ConfigException(configPath ?? "environment", "trusted_proxies", null, $"expected an IP address or a CIDR range such as 10.0.0.0/8, got '{entry}'.");
        }
        return networks;
    }

    static Uri? ResolveWebhookUrl(GatewayConfig config, string? configPath, Func<string, string?> environment)
    {
        if (!config.General.Alerting.Contains("webhook", StringComparer.OrdinalIgnoreCase))
            return null;
        var text = environment("WEBHOOK_URL")
            ?? throw new ConfigException(configPath ?? "config.yaml", "general_settings.alerting", null,
                "names \"webhook\" but WEBHOOK_URL is not set; set it to the URL that should receive budget alerts.");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ConfigException(configPath ?? "config.yaml", "WEBHOOK_URL", null, $"expected an http(s) URL, got '{text}'.");
        return url;
    }

    static IReadOnlyList<TimeSpan> RetryDelays(string? text)
    {
        if (text is null)
            return DefaultWebhookRetryDelays;
        var delays = new List<TimeSpan>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
                throw new ConfigException("environment", "GATEWAY_WEBHOOK_RETRY_DELAYS", null, $"expected seconds separated by commas, got '{text}'.");
            delays.Add(TimeSpan.FromSeconds(seconds));
        }
        return delays;
    }

    static PriceSheet LoadPriceSheet(string path, string? configPath)
    {
        var field = "general_settings.price_sheet";
        try
        {
            return PriceSheet.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new ConfigException(configPath ?? path, field, null, $"cannot use price sheet '{path}': {ex.Message}");
        }
    }

    static long Megabytes(double megabytes) => (long)(megabytes * 1024 * 1024);
}
