using System.Globalization;
using Gateway.Api.Config;
using StackExchange.Redis;

namespace Gateway.Api.Limits.Shared;

/// <summary>
/// Where the Redis that several gateways share lives, read as LiteLLM reads it: <c>router_settings.redis_host</c>,
/// <c>redis_port</c>, <c>redis_password</c> (and <c>redis_url</c>), else the <c>REDIS_HOST</c>, <c>REDIS_PORT</c>,
/// <c>REDIS_PASSWORD</c>, <c>REDIS_USERNAME</c> or <c>REDIS_URL</c> environment variables. None of them: no Redis, and
/// every limit is counted in this node's memory (or the PostgreSQL budget leases, see <see cref="BudgetLeases"/>).
/// </summary>
public sealed record RedisSettings(string Host, int Port, string? User, string? Password, int Database, bool Ssl)
{
    public const int DefaultPort = 6379;

    /// <summary>Where to, for logs: never the password.</summary>
    public string Endpoint => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static RedisSettings? From(RouterSettings router, Func<string, string?> environment, string? configPath)
    {
        var url = Text(router, "redis_url") ?? environment("REDIS_URL");
        var host = Text(router, "redis_host") ?? environment("REDIS_HOST");
        if (host is null)
            return url is null ? null : FromUrl(url, configPath);

        var portText = Text(router, "redis_port") ?? environment("REDIS_PORT");
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw new ConfigException(configPath ?? "environment", "router_settings.redis_port", null, $"expected a port number, got '{portText}'.");
        return new RedisSettings(host, port,
            Text(router, "redis_username") ?? environment("REDIS_USERNAME"),
            Text(router, "redis_password") ?? environment("REDIS_PASSWORD"),
            0,
            Text(router, "redis_ssl") is { } ssl ? ssl.Equals("true", StringComparison.OrdinalIgnoreCase) : environment("REDIS_SSL")?.Equals("true", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    /// <summary><c>redis://[user:password@]host[:port][/db]</c>, or <c>rediss://</c> for TLS.</summary>
    static RedisSettings FromUrl(string text, string? configPath)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("redis" or "rediss") || url.Host.Length == 0)
            throw new ConfigException(configPath ?? "environment", "REDIS_URL", null, "expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS).");
        string? user = null, password = null;
        if (url.UserInfo is { Length: > 0 } info)
        {
            var colon = info.IndexOf(':', StringComparison.Ordinal);
            (user, password) = colon < 0 ? (null, Uri.UnescapeDataString(info))
                : (Uri.UnescapeDataString(info[..colon]), Uri.UnescapeDataString(info[(colon + 1)..]));
            if (user is { Length: 0 })
                user = null;
        }
        var path = url.AbsolutePath.Trim('/');
        var database = 0;
        if (path.Length > 0 && !int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database))
            throw new ConfigException(configPath ?? "environment", "REDIS_URL", null, $"expected a database number after the host, got '{path}'.");
        return new RedisSettings(url.Host, url.IsDefaultPort || url.Port < 0 ? DefaultPort : url.Port, user, password, database, url.Scheme == "rediss");
    }

    static string? Text(RouterSettings router, string key) =>
        router.Extra.TryGetValue(key, out var value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text ? text : null
            : null;

    /// <summary>
    /// Never waits for Redis: the gateway starts and serves without it (each node on its own view) and the multiplexer
    /// keeps reconnecting in the background. A command while disconnected fails at once rather than queueing, so a call
    /// never waits on a Redis that is away.
    /// </summary>
    public ConfigurationOptions Options()
    {
        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = 2_000,
            AsyncTimeout = 2_000,
            SyncTimeout = 2_000,
            ConnectRetry = 1,
            BacklogPolicy = BacklogPolicy.FailFast,
            ReconnectRetryPolicy = new LinearRetry(500),
            User = User,
            Password = Password,
            DefaultDatabase = Database,
            Ssl = Ssl,
            ClientName = "llm-gateway",
        };
        options.EndPoints.Add(Host, Port);
        return options;
    }

    /// <summary>The password stays out of logs and exceptions.</summary>
    public override string ToString() => $"RedisSettings {{ Endpoint = {Endpoint}, Database = {Database}, Ssl = {Ssl}, Password = {(Password is null ? "none" : "<redacted>")} }}";
}
