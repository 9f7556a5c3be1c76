using Gateway.Api.Hosting;
using Npgsql;

namespace Gateway.Api.Tests.Hosting;

public sealed class DatabaseUrlTests
{
    static NpgsqlConnectionStringBuilder Convert(string value) => new(DatabaseUrl.ToNpgsqlConnectionString(value));

    [Fact]
    public void a_full_url_gives_host_port_user_password_and_database()
    {
        var result = Convert("postgresql://gw:secret@db.example.com:6543/gateway");

        Assert.Equal("db.example.com", result.Host);
        Assert.Equal(6543, result.Port);
        Assert.Equal("gw", result.Username);
        Assert.Equal("secret", result.Password);
        Assert.Equal("gateway", result.Database);
    }

    [Fact]
    public void the_short_scheme_without_password_or_port_uses_5432()
    {
        var result = Convert("postgres://gw@db/gateway");

        Assert.Equal("db", result.Host);
        Assert.Equal(5432, result.Port);
        Assert.Equal("gw", result.Username);
        Assert.Null(result.Password);
        Assert.Equal("gateway", result.Database);
    }

    [Fact]
    public void percent_encoded_user_password_and_database_are_decoded()
    {
        var result = Convert("postgresql://us%40er:p%40ss%3Aw%2Fo%3Frd%25@host/my%20db");

        Assert.Equal("us@er", result.Username);
        Assert.Equal("p@ss:w/o?rd%", result.Password);
        Assert.Equal("my db", result.Database);
    }

    [Fact]
    public void a_password_with_unencoded_slash_and_at_sign_still_parses()
    {
        var result = Convert("postgresql://user:pa/s@s@host:5433/db");

        Assert.Equal("pa/s@s", result.Password);
        Assert.Equal("host", result.Host);
        Assert.Equal(5433, result.Port);
        Assert.Equal("db", result.Database);
    }

    [Fact]
    public void query_parameters_map_to_npgsql_keywords_and_unknown_ones_are_ignored()
    {
        var result = Convert(
            "postgresql://u:p@h/db?sslmode=require&connect_timeout=7&application_name=my%20gateway&pool_max_conns=9&target_session_attrs=read-write");

        Assert.Equal(SslMode.Require, result.SslMode);
        Assert.Equal(7, result.Timeout);
        Assert.Equal("my gateway", result.ApplicationName);
        Assert.Equal("read-write", result.TargetSessionAttributes);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void libpq_sslmode_values_are_understood(string sslmode, SslMode expected) =>
        Assert.Equal(expected, Convert($"postgresql://u@h/db?sslmode={sslmode}").SslMode);

    [Fact]
    public void certificates_keepalives_and_options_are_carried_over()
    {
        var result = Convert(
            "postgresql://u@h/db?sslrootcert=/etc/ca.pem&sslcert=/etc/c.pem&sslkey=/etc/k.pem&keepalives=1&keepalives_idle=30&options=-c%20search_path%3Dgw");

        Assert.Equal("/etc/ca.pem", result.RootCertificate);
        Assert.Equal("/etc/c.pem", result.SslCertificate);
        Assert.Equal("/etc/k.pem", result.SslKey);
        Assert.True(result.TcpKeepAlive);
        Assert.Equal(30, result.TcpKeepAliveTime);
        Assert.Equal("-c search_path=gw", result.Options);
    }

    [Fact]
    public void ipv6_hosts_and_several_hosts_are_understood()
    {
        var ipv6 = Convert("postgresql://u:p@[::1]:5433/db");
        Assert.Equal("::1", ipv6.Host);
        Assert.Equal(5433, ipv6.Port);

        var several = Convert("postgresql://u:p@primary:5432,replica:5433/db?target_session_attrs=primary");
        Assert.Equal("primary:5432,replica:5433", several.Host);
    }

    [Fact]
    public void an_npgsql_connection_string_passes_through_unchanged()
    {
        const string connectionString = "Host=db;Port=5433;Username=gw;Password=secret;Database=gateway";

        Assert.Equal(connectionString, DatabaseUrl.ToNpgsqlConnectionString(connectionString));
    }

    [Theory]
    [InlineData("postgresql://user:hunter2@host:notaport/db")]
    [InlineData("postgresql://user:hunter2@host/db?sslmode=sometimes")]
    [InlineData("postgresql://user:hunter2@host/db?connect_timeout=soon")]
    [InlineData("postgresql://user:hunter2@[::1/db")]
    [InlineData("mysql://user:hunter2@host/db")]
    [InlineData("postgresql://user:hunter2")]
    [InlineData("postgresql://user@host:99999/db?password=hunter2")]
    [InlineData("postgresql://user@host:99999/db?sslpassword=hunter2")]
    [InlineData("Host=db;Password=hunter2;Bogus Keyword=http://x")]
    public void a_bad_url_is_refused_without_showing_the_password(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => DatabaseUrl.ToNpgsqlConnectionString(url));

        Assert.DoesNotContain("hunter2", error.Message);
        Assert.Contains("database URL", error.Message);
    }

    [Fact]
    public void the_refusal_shows_the_url_with_the_password_masked()
    {
        var error = Assert.Throws<ArgumentException>(
            () => DatabaseUrl.ToNpgsqlConnectionString("postgresql://user:hunter2@host:notaport/db"));

        Assert.Contains("postgresql://user:***@host:notaport/db", error.Message);
        Assert.Contains("port", error.Message);
    }

    [Fact]
    public void a_connection_string_holding_a_url_in_a_value_is_not_taken_for_a_url()
    {
        const string connectionString = "Host=db;Password=hunter2;Application Name=http://gateway";

        Assert.Equal(connectionString, DatabaseUrl.ToNpgsqlConnectionString(connectionString));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Hots=db;Password=hunter2")]
    [InlineData("just some words")]
    public void neither_a_url_nor_a_connection_string_is_refused(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => DatabaseUrl.ToNpgsqlConnectionString(value));

        Assert.DoesNotContain("hunter2", error.Message);
    }
}
