using Gateway.Api.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

[assembly: AssemblyFixture(typeof(Gateway.Api.Tests.Infrastructure.PostgresFixture))]

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL for the whole test run, provisioned the way the gateway provisions its embedded default:
/// a private cluster from the installed binaries (or TEST_DATABASE_URL when set). Each test host gets a fresh
/// database of its own, so hosts never see each other's events.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    EmbeddedPostgres? _cluster;
    string? _adminConnectionString;

    /// <summary>Everything this test run writes to disk lives here and is removed at the end.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"gateway-tests-{Environment.ProcessId}");

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("TEST_DATABASE_URL") is { Length: > 0 } url)
        {
            _adminConnectionString = DatabaseUrl.ToNpgsqlConnectionString(url);
            return;
        }

        _cluster = await EmbeddedPostgres.StartAsync(Root, NullLogger.Instance, CancellationToken.None);
        _adminConnectionString = _cluster.ConnectionString;
    }

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "test_" + Guid.NewGuid().ToString("N")[..16];
        if (_cluster is not null)
            return await _cluster.CreateDatabaseAsync(name);

        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"create database {name}", connection))
            await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_cluster is not null)
                await _cluster.DisposeAsync();
        }
        catch (EmbeddedPostgresException)
        {
            // pg_ctl waits 60 s; on a box busy with I/O the shutdown checkpoint of hundreds of test databases can take
            // longer (seen: 77 s). The server has the request and finishes by itself; the run's tests are all done.
        }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
