using Gateway.Api.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Api.Tests.Hosting;

/// <summary>Tests that stop or take over a cluster, so each has its own.</summary>
public sealed class EmbeddedPostgresRestartTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task starting_again_while_it_runs_takes_over_the_running_cluster()
    {
        using var root = new TempDirectory();
        var logger = new RecordingLogger();
        await using var first = await EmbeddedPostgres.StartAsync(root.Path, logger, Ct);
        await using var second = await EmbeddedPostgres.StartAsync(root.Path, logger, Ct);

        Assert.False(first.WasAlreadyRunning);
        Assert.True(second.WasAlreadyRunning);
        Assert.Equal(first.Port, second.Port);
        Assert.Equal(first.ConnectionString, second.ConnectionString);
        Assert.Equal(1, await Scalar<int>(second.ConnectionString, "SELECT 1"));

        var password = new NpgsqlConnectionStringBuilder(first.ConnectionString).Password!;
        Assert.Collection(logger.Lines,
            started => Assert.Contains($"{first.DataDirectory} created and started, listening on 127.0.0.1:{first.Port}", started),
            reused => Assert.Contains($"{first.DataDirectory} already running, reused, listening on 127.0.0.1:{first.Port}", reused));
        Assert.DoesNotContain(logger.Lines, line => line.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task data_survives_a_stop_and_a_start()
    {
        using var root = new TempDirectory();
        var first = await EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, Ct);
        try
        {
            await Execute(first.ConnectionString, "CREATE TABLE survivors (name text); INSERT INTO survivors VALUES ('kept')");
        }
        finally
        {
            await first.StopAsync();
        }

        await first.StopAsync(); // a second stop is harmless
        var unpooled = new NpgsqlConnectionStringBuilder(first.ConnectionString) { Pooling = false }.ConnectionString;
        await using (var refused = new NpgsqlConnection(unpooled))
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => refused.OpenAsync(Ct));
        Assert.False(File.Exists(Path.Combine(first.DataDirectory, "postmaster.pid")));

        await using var second = await EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, Ct);
        Assert.False(second.WasAlreadyRunning);
        Assert.Equal("kept", await Scalar<string>(second.ConnectionString, "SELECT name FROM survivors"));
    }

    [Fact]
    public async Task a_directory_the_postgres_user_cannot_enter_is_named_in_the_error()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows(), "only root hands the cluster to the postgres user");
        if (OperatingSystem.IsWindows())
            return;
        using var temp = new TempDirectory();
        var locked = temp.Combine("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(Path.Combine(locked, ".gateway"), NullLogger.Instance, Ct));

        Assert.Contains($"cannot enter {locked},", error.Message);
        Assert.Contains("DATABASE_URL", error.Message);
    }

    [Fact]
    public async Task a_changed_or_lost_password_file_is_reported_not_replaced()
    {
        using var root = new TempDirectory();
        var passwordFile = root.Combine("postgres.password");
        await using var running = await EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, Ct);

        await File.WriteAllTextAsync(passwordFile, "not-the-password\n", Ct);
        var refused = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, Ct));
        Assert.Contains($"already running from {running.DataDirectory} on 127.0.0.1:{running.Port} could not be used", refused.Message);
        Assert.DoesNotContain("not-the-password", refused.Message);

        File.Delete(passwordFile);
        var missing = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, Ct));
        Assert.Contains($"its password file {passwordFile} is missing", missing.Message);
        Assert.False(File.Exists(passwordFile));
    }

    [Fact]
    public async Task a_cluster_whose_server_was_killed_starts_again_with_its_data()
    {
        using var root = new TempDirectory();
        var first = await EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, Ct);
        await Execute(first.ConnectionString, "CREATE TABLE survivors (name text); INSERT INTO survivors VALUES ('kept')");
        var pidFile = Path.Combine(first.DataDirectory, "postmaster.pid");
        using (var postmaster = System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadLines(pidFile).First())))
        {
            postmaster.Kill();
            await postmaster.WaitForExitAsync(Ct);
        }
        Assert.True(File.Exists(pidFile)); // stale: the server had no chance to remove it

        await using var second = await EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, Ct);

        Assert.False(second.WasAlreadyRunning);
        Assert.Equal("kept", await Scalar<string>(second.ConnectionString, "SELECT name FROM survivors"));
    }

    [Fact]
    public async Task a_failing_command_is_reported_with_its_command_line_and_error_output()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the fake server programs are shell scripts");
        if (OperatingSystem.IsWindows())
            return;
        using var temp = new TempDirectory();
        var bin = temp.Combine("bin");
        Directory.CreateDirectory(bin);
        foreach (var program in new[] { "initdb", "pg_ctl", "postgres" })
        {
            var script = Path.Combine(bin, program);
            await File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"{program}: could not do it\" >&2\nexit 1\n", Ct);
            File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        }

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(temp.Combine(".gateway"), new PostgresBinaries(bin), NullLogger.Instance, Ct));

        Assert.Contains($"{Path.Combine(bin, "initdb")} -D {temp.Combine(".gateway", "postgres", "data")}", error.Message);
        Assert.Contains("failed with exit code 1", error.Message);
        Assert.Contains("initdb: could not do it", error.Message);
        Assert.DoesNotContain(File.ReadAllText(temp.Combine(".gateway", "postgres.password")).Trim(), error.Message);
    }

    static async Task<T> Scalar<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
