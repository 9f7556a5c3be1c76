using System.Collections.ObjectModel;

namespace Gateway.Api.Config;

/// <summary><c>router_settings</c>: how a model group picks a deployment and recovers from failures.</summary>
public sealed record RouterSettings
{
    /// <summary>simple-shuffle, least-busy, usage-based-routing-v2, latency-based-routing, cost-based-routing.</summary>
    public string? RoutingStrategy { get; init; }

    public int? NumRetries { get; init; }

    /// <summary>Failures per minute before a deployment cools down.</summary>
    public int? AllowedFails { get; init; }

    /// <summary>Seconds.</summary>
    public double? CooldownTime { get; init; }

    /// <summary>Seconds.</summary>
    public double? Timeout { get; init; }

    /// <summary>Seconds.</summary>
    public double? StreamTimeout { get; init; }

    /// <summary>Everything else (fallbacks, retry_policy, redis_host, …), typed as YAML reads them.</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = ReadOnlyDictionary<string, object?>.Empty;

    internal static RouterSettings Read(ConfigMapping map) => new()
    {
        RoutingStrategy = map.Text("routing_strategy"),
        NumRetries = map.Int("num_retries"),
        AllowedFails = map.Int("allowed_fails"),
        CooldownTime = map.Double("cooldown_time"),
        Timeout = map.Double("timeout"),
        StreamTimeout = map.Double("stream_timeout"),
        Extra = map.Rest(),
    };
}
