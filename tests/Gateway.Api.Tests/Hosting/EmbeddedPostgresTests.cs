using Gateway.Api.Hosting;
using Npgsql;

namespace Gateway.Api.Tests.Hosting;

[Collection(nameof(SharedPostgresClusterCollection))]
public sealed class EmbeddedPostgresTests(SharedPostgresCluster cluster)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_connection_string_reaches_the_gateway_database()
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres.ConnectionString);
        await connection.OpenAsync(Ct);

        Assert.Equal(1, await Scalar<int>(connection, "SELECT 1"));
        Assert.Equal("gateway", await Scalar<string>(connection, "SELECT current_database()"));
    }

    [Fact]
    public async Task it_listens_on_loopback_tcp_only_with_no_unix_socket()
    {
        var builder = new NpgsqlConnectionStringBuilder(cluster.Postgres.ConnectionString);
        await using var connection = new NpgsqlConnection(cluster.Postgres.ConnectionString);
        await connection.OpenAsync(Ct);

        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal(cluster.Postgres.Port, builder.Port);
        Assert.Equal("127.0.0.1", await Scalar<string>(connection, "SHOW listen_addresses"));
        Assert.Equal("", await Scalar<string>(connection, "SHOW unix_socket_directories"));
    }

    [Fact]
    public async Task the_cluster_lives_under_the_root_directory_with_a_private_password_file()
    {
        Assert.Equal(Path.Combine(cluster.RootDirectory, "postgres", "data"), cluster.Postgres.DataDirectory);
        Assert.True(File.Exists(Path.Combine(cluster.RootDirectory, "postgres", "data", "PG_VERSION")));
        Assert.True(File.Exists(Path.Combine(cluster.RootDirectory, "postgres", "server.log")));

        var passwordFile = Path.Combine(cluster.RootDirectory, "postgres.password");
        var password = (await File.ReadAllTextAsync(passwordFile, Ct)).Trim();
        Assert.Equal(password, new NpgsqlConnectionStringBuilder(cluster.Postgres.ConnectionString).Password);
        Assert.True(password.Length >= 24);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
        Assert.False(File.Exists(Path.Combine(cluster.RootDirectory, "postgres", "initdb.pwfile")));
    }

    [Fact]
    public async Task a_wrong_password_is_refused()
    {
        var builder = new NpgsqlConnectionStringBuilder(cluster.Postgres.ConnectionString) { Password = "not-the-password" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync(Ct));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Fact]
    public async Task a_created_database_is_separate_from_the_gateway_database()
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        var connectionString = await cluster.Postgres.CreateDatabaseAsync(name, Ct);

        await using (var isolated = new NpgsqlConnection(connectionString))
        {
            await isolated.OpenAsync(Ct);
            Assert.Equal(name, await Scalar<string>(isolated, "SELECT current_database()"));
            await Execute(isolated, "CREATE TABLE only_here (id int)");
        }

        await using var gateway = new NpgsqlConnection(cluster.Postgres.ConnectionString);
        await gateway.OpenAsync(Ct);
        Assert.Equal(0L, await Scalar<long>(gateway, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'"));
    }

    [Fact]
    public async Task creating_a_database_that_exists_keeps_its_data()
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        var first = await cluster.Postgres.CreateDatabaseAsync(name, Ct);
        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync(Ct);
            await Execute(connection, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
        }

        var second = await cluster.Postgres.CreateDatabaseAsync(name, Ct);

        await using var again = new NpgsqlConnection(second);
        await again.OpenAsync(Ct);
        Assert.Equal(42, await Scalar<int>(again, "SELECT id FROM kept"));
    }

    [Fact]
    public async Task database_names_needing_quotes_are_created_as_given()
    {
        var name = "Test \"quoted\" " + Guid.NewGuid().ToString("N")[..8];
        var connectionString = await cluster.Postgres.CreateDatabaseAsync(name, Ct);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        Assert.Equal(name, await Scalar<string>(connection, "SELECT current_database()"));
    }

    static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
