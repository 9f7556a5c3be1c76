using Gateway.Api.Config;
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
        };
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
