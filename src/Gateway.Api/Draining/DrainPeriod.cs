using System.Globalization;
using Gateway.Api.Config;
using Gateway.Api.Hosting;

namespace Gateway.Api.Draining;

/// <summary>
/// The drain period: <c>general_settings.drain_seconds</c> (our own key) or <c>GATEWAY_DRAIN_SECONDS</c>, config first
/// as for the other settings; 0 (no drain) by default.
/// </summary>
public static class DrainPeriod
{
    /// <summary>An hour: longer would outlast any orchestrator's grace period, so it is surely a typo.</summary>
    const double MaxSeconds = 3600;

    public static TimeSpan Resolve(GatewaySettings settings)
    {
        var configured = settings.Config.General.DrainSeconds;
        var source = configured is null ? "GATEWAY_DRAIN_SECONDS" : "general_settings.drain_seconds";
        var text = settings.Environment("GATEWAY_DRAIN_SECONDS");
        var seconds = configured;
        if (seconds is null && text is not null)
            seconds = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN;
        if (seconds is null)
            return TimeSpan.Zero;
        if (double.IsNaN(seconds.Value) || seconds.Value is < 0 or > MaxSeconds)
            throw new ConfigException(configured is null ? "environment" : settings.Environment("config") ?? settings.Environment("GATEWAY_CONFIG") ?? "config.yaml", source, null,
                $"expected a number of seconds from 0 to {MaxSeconds.ToString(CultureInfo.InvariantCulture)}, got '{(configured?.ToString(CultureInfo.InvariantCulture) ?? text)}'.");
        return TimeSpan.FromSeconds(seconds.Value);
    }
}
