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
        PriceSheet = map.Text("price_sheet"),
        Alerting = map.TextList("alerting"),
        Extra = map.Rest(),
    };

    // The master key and the database URL (which may hold a password) must not reach a log.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"MasterKey = {(MasterKey is null ? "" : "<redacted>")}, DatabaseUrl = {(DatabaseUrl is null ? "" : "<redacted>")}, ");
        builder.Append($"MaxRequestSizeMb = {MaxRequestSizeMb}, MaxResponseSizeMb = {MaxResponseSizeMb}, PriceSheet = {PriceSheet}, ");
        builder.Append($"Extra keys = [{string.Join(", ", Extra.Keys)}]");
        return true;
    }
}
