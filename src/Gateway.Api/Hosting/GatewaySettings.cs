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
        if (priceFile is not null)
            prices = prices.MergedWith(LoadPriceSheet(priceFile, configPath));

        return new GatewaySettings(
            config,
            MasterKey: general.MasterKey ?? environment("GATEWAY_MASTER_KEY") ?? environment("LITELLM_MASTER_KEY"),
            DatabaseUrl: general.DatabaseUrl ?? environment("DATABASE_URL"),
            StateDirectory: Path.GetFullPath(environment("GATEWAY_HOME") ?? ".gateway"),
            prices,
            MaxRequestBytes: Megabytes(general.MaxRequestSizeMb ?? DefaultMaxRequestSizeMb),
            MaxResponseBytes: Megabytes(general.MaxResponseSizeMb ?? DefaultMaxResponseSizeMb),
            environment);
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
