using Npgsql;

namespace Gateway.Api.Hosting;

/// <summary>
/// DATABASE_URL as users write it (LiteLLM, Heroku, docker-compose: <c>postgresql://user:pass@host:port/db?sslmode=require</c>)
/// or as an Npgsql connection string, turned into the Npgsql form.
/// </summary>
public static class DatabaseUrl
{
    const int DefaultPort = 5432;

    /// <summary>libpq URL query parameters and the Npgsql keywords that mean the same; others are ignored.</summary>
    static readonly Dictionary<string, string> NpgsqlKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["sslrootcert"] = "Root Certificate",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
        ["keepalives"] = "Tcp Keepalive",
        ["keepalives_idle"] = "Tcp Keepalive Time",
        ["keepalives_interval"] = "Tcp Keepalive Interval",
        ["client_encoding"] = "Client Encoding",
        ["channel_binding"] = "Channel Binding",
        ["gssencmode"] = "GSS Encryption Mode",
        ["passfile"] = "Passfile",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["host"] = "Host",
        ["port"] = "Port",
    };

    /// <summary>libpq spells enum values in lower case with dashes; Npgsql wants its enum names.</summary>
    static readonly Dictionary<string, string> EnumValues = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable",
        ["allow"] = "Allow",
        ["prefer"] = "Prefer",
        ["require"] = "Require",
        ["verify-ca"] = "VerifyCA",
        ["verify-full"] = "VerifyFull",
    };

    /// <summary>
    /// A <c>postgresql://</c> or <c>postgres://</c> URL becomes an Npgsql connection string; anything else must
    /// already be one and is returned as is. Throws <see cref="ArgumentException"/> (never quoting the
    /// password) when the value is neither.
    /// </summary>
    public static string ToNpgsqlConnectionString(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException("The database URL is empty.", nameof(value));

        value = value.Trim();
        // Only a leading scheme makes a URL: "Application Name=http://..." is still a connection string.
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !IsScheme(value[..schemeEnd]))
            return CheckedConnectionString(value);

        var scheme = value[..schemeEnd];
        if (!scheme.Equals("postgresql", StringComparison.OrdinalIgnoreCase)
            && !scheme.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(value, $"the scheme '{scheme}' is not supported; use postgresql://");
        }
        return FromUrl(value, value[(schemeEnd + 3)..]);
    }

    static bool IsScheme(string text) =>
        char.IsAsciiLetter(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');

    static string CheckedConnectionString(string value)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(value);
            return value;
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            // The builder's messages name keywords, never values, so they are safe to pass on.
            throw new ArgumentException(
                "The database URL is neither a postgresql:// URL nor a valid Npgsql connection string: "
                + exception.Message, nameof(value));
        }
    }

    static string FromUrl(string url, string rest)
    {
        var (userInfo, hostPathAndQuery) = SplitUserInfo(rest);

        var queryStart = hostPathAndQuery.IndexOf('?');
        var query = queryStart >= 0 ? hostPathAndQuery[(queryStart + 1)..] : "";
        var hostAndPath = queryStart >= 0 ? hostPathAndQuery[..queryStart] : hostPathAndQuery;

        var pathStart = hostAndPath.IndexOf('/');
        var hostList = pathStart >= 0 ? hostAndPath[..pathStart] : hostAndPath;
        var database = pathStart >= 0 ? Decode(hostAndPath[(pathStart + 1)..]) : "";

        var builder = new NpgsqlConnectionStringBuilder();
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':');
            builder.Username = Decode(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
                builder.Password = Decode(userInfo[(colon + 1)..]);
        }

        SetHosts(builder, url, hostList);
        if (database.Length > 0)
            builder.Database = database;

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Decode(equals >= 0 ? pair[..equals] : pair);
            var parameter = Decode(equals >= 0 ? pair[(equals + 1)..] : "");
            if (NpgsqlKeywords.TryGetValue(name, out var keyword))
                SetKeyword(builder, url, name, keyword, parameter);
        }
        return builder.ConnectionString;
    }

    /// <summary>One host (with its port or 5432), or several in Npgsql's <c>host:port,host:port</c> form.</summary>
    static void SetHosts(NpgsqlConnectionStringBuilder builder, string url, string hostList)
    {
        var hosts = hostList.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(host => SplitHostAndPort(url, host))
            .ToList();
        if (hosts.Count == 0)
        {
            builder.Host = "localhost";
            builder.Port = DefaultPort;
        }
        else if (hosts.Count == 1)
        {
            builder.Host = hosts[0].Host;
            builder.Port = hosts[0].Port;
        }
        else
        {
            builder.Host = string.Join(',', hosts.Select(host => $"{host.Host}:{host.Port}"));
            builder.Port = DefaultPort;
        }
    }

    static (string Host, int Port) SplitHostAndPort(string url, string hostAndPort)
    {
        string host, port;
        if (hostAndPort.StartsWith('['))
        {
            // IPv6 literal: [::1]:5432
            var close = hostAndPort.IndexOf(']');
            if (close < 0)
                throw Invalid(url, "an IPv6 host is missing its closing ']'");
            host = hostAndPort[1..close];
            port = hostAndPort[(close + 1)..].TrimStart(':');
        }
        else
        {
            var colon = hostAndPort.LastIndexOf(':');
            host = colon >= 0 ? hostAndPort[..colon] : hostAndPort;
            port = colon >= 0 ? hostAndPort[(colon + 1)..] : "";
        }

        if (port.Length == 0)
            return (Decode(host), DefaultPort);
        if (!int.TryParse(port, out var number) || number is < 1 or > 65535)
            throw Invalid(url, "a port is not a number from 1 to 65535");
        return (Decode(host), number);
    }

    static void SetKeyword(NpgsqlConnectionStringBuilder builder, string url, string name, string keyword, string value)
    {
        if (name is "sslmode" or "channel_binding" or "gssencmode")
        {
            if (!EnumValues.TryGetValue(value, out var enumName))
                throw Invalid(url, $"'{value}' is not a valid {name}");
            value = enumName;
        }
        else if (name is "keepalives")
        {
            value = value == "0" ? "false" : "true";
        }

        try
        {
            builder[keyword] = value;
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException)
        {
            // Quoting the value is safe unless the parameter is the password itself.
            var shown = name.Contains("password", StringComparison.OrdinalIgnoreCase) ? "" : $" '{value}'";
            throw Invalid(url, $"the value{shown} of {name} is not valid");
        }
    }

    static string Decode(string text) => Uri.UnescapeDataString(text);

    static ArgumentException Invalid(string url, string reason) =>
        new($"The database URL {Redacted(url)} is not valid: {reason}.", "value");

    /// <summary>
    /// Splits "user:password@rest". The user part normally ends at the last '@' before the first '/' or '?';
    /// when there is none there but there is one later, the password holds an unencoded '/' or '?' and the
    /// last '@' of all ends it.
    /// </summary>
    static (string UserInfo, string AfterUserInfo) SplitUserInfo(string rest)
    {
        var authorityEnd = rest.IndexOfAny(['/', '?']);
        var authority = authorityEnd >= 0 ? rest[..authorityEnd] : rest;
        var at = authority.LastIndexOf('@');
        if (at < 0)
            at = rest.LastIndexOf('@');
        return at >= 0 ? (rest[..at], rest[(at + 1)..]) : ("", rest);
    }

    /// <summary>The URL with its password (in the user part or the query) replaced by ***.</summary>
    internal static string Redacted(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var prefix = schemeEnd >= 0 ? url[..(schemeEnd + 3)] : "";
        var (userInfo, rest) = SplitUserInfo(url[prefix.Length..]);

        var colon = userInfo.IndexOf(':');
        var user = colon >= 0 ? userInfo[..colon] + ":***" : userInfo;
        if (userInfo.Length == 0)
            rest = MaskNonNumericPorts(rest);
        var redacted = prefix + (userInfo.Length > 0 ? user + "@" : "") + rest;

        var query = redacted.IndexOf('?');
        if (query < 0)
            return redacted;
        var parameters = redacted[(query + 1)..].Split('&')
            .Select(pair => pair.Split('=')[0] is var name && name.Contains("password", StringComparison.OrdinalIgnoreCase)
                ? name + "=***"
                : pair);
        return redacted[..(query + 1)] + string.Join('&', parameters);
    }

    /// <summary>
    /// "postgresql://user:secret" (no '@') reads as host "user", port "secret": the would-be password
    /// sits where the port goes, so a port that is not a number is not shown.
    /// </summary>
    static string MaskNonNumericPorts(string hostPathAndQuery)
    {
        var end = hostPathAndQuery.IndexOfAny(['/', '?']);
        var hostList = end >= 0 ? hostPathAndQuery[..end] : hostPathAndQuery;
        var masked = hostList.Split(',').Select(host =>
        {
            var colon = host.LastIndexOf(':');
            var port = colon >= 0 ? host[(colon + 1)..] : "";
            return port.Length > 0 && !port.EndsWith(']') && !port.All(char.IsAsciiDigit) ? host[..(colon + 1)] + "***" : host;
        });
        return string.Join(',', masked) + (end >= 0 ? hostPathAndQuery[end..] : "");
    }
}
