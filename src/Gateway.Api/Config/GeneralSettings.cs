using System.Collections.ObjectModel;
using System.Text;

namespace Gateway.Api.Config;

/// <summary><c>general_settings</c>: the server itself.</summary>
public sealed record GeneralSettings
{
    public string? MasterKey { get; init; }

    /// <summary>A postgresql:// URL or an Npgsql connection string.</summary>
    public string? DatabaseUrl { get; init; }

    public double? MaxRequestSizeMb { get; init; }

    public double? MaxResponseSizeMb { get; init; }

    /// <summary>Our own key <c>max_json_depth</c>: how deeply a proxy request body may nest (at most 64).</summary>
    public int? MaxJsonDepth { get; init; }

    /// <summary>Our own key <c>failed_auth_limit</c>: wrong keys (and failed portal sign-ins) a client may send per window; 0 turns the limit off.</summary>
    public int? FailedAuthLimit { get; init; }

    /// <summary>Our own key <c>failed_auth_window_seconds</c>: the window <see cref="FailedAuthLimit"/> counts in.</summary>
    public double? FailedAuthWindowSeconds { get; init; }

    /// <summary>Our own key <c>trusted_proxies</c>: addresses or CIDR ranges whose <c>X-Forwarded-For</c> names the client.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>
    /// LiteLLM's <c>allow_requests_on_db_unavailable</c>: whether known keys keep being served while PostgreSQL is
    /// unreachable. Unset here means true (fail open, as the gateway records every call once the database returns);
    /// LiteLLM's own default is false.
    /// </summary>
    public bool? AllowRequestsOnDbUnavailable { get; init; }

    /// <summary>Our own key <c>drain_seconds</c>: how long a node drains on SIGTERM before it stops (see Draining/NodeDrain).</summary>
    public double? DrainSeconds { get; init; }

    /// <summary>
    /// Our own key <c>price_sheet</c>: a price file in LiteLLM's cost-map format. A relative path is
    /// resolved against the config file's folder by <see cref="ConfigFileLoader.Load"/>.
    /// </summary>
    public string? PriceSheet { get; init; }

    /// <summary>Where alerts go (LiteLLM's <c>alerting</c>): "webhook" posts budget alerts to <c>WEBHOOK_URL</c>.</summary>
    public IReadOnlyList<string> Alerting { get; init; } = [];

    public IReadOnlyDictionary<string, object?> Extra { get; init; } = ReadOnlyDictionary<string, object?>.Empty;

    internal static GeneralSettings Read(ConfigMapping map) => new()
    {
        MasterKey = map.Text("master_key"),
        DatabaseUrl = map.Text("database_url"),
        MaxRequestSizeMb = map.Double("max_request_size_mb"),
        MaxResponseSizeMb = map.Double("max_response_size_mb"),
        MaxJsonDepth = map.Int("max_json_depth"),
        FailedAuthLimit = map.Int("failed_auth_limit"),
        FailedAuthWindowSeconds = map.Double("failed_auth_window_seconds"),
        TrustedProxies = map.TextList("trusted_proxies"),
        AllowRequestsOnDbUnavailable = map.Bool("allow_requests_on_db_unavailable"),
        DrainSeconds = map.Double("drain_seconds"),
        PriceSheet = map.Text("price_sheet"),
        Alerting = map.TextList("alerting"),
        Extra = map.Rest(),
    };

    // The master key and the database URL (which may hold a password) must not reach a log.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"MasterKey = {(MasterKey is null ? "" : "<redacted>")}, DatabaseUrl = {(DatabaseUrl is null ? "" : "<redacted>")}, ");
        builder.Append($"MaxRequestSizeMb = {MaxRequestSizeMb}, MaxResponseSizeMb = {MaxResponseSizeMb}, MaxJsonDepth = {MaxJsonDepth}, PriceSheet = {PriceSheet}, ");
        builder.Append($"FailedAuthLimit = {FailedAuthLimit}, FailedAuthWindowSeconds = {FailedAuthWindowSeconds}, TrustedProxies = [{string.Join(", ", TrustedProxies)}], ");
        builder.Append($"AllowRequestsOnDbUnavailable = {AllowRequestsOnDbUnavailable}, DrainSeconds = {DrainSeconds}, ");
        builder.Append($"Extra keys = [{string.Join(", ", Extra.Keys)}]");
        return true;
    }
}
