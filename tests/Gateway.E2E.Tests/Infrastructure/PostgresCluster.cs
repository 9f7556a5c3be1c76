using Gateway.Api.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

[assembly: AssemblyFixture(typeof(Gateway.E2E.Tests.Infrastructure.PostgresCluster))]

namespace Gateway.E2E.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL for the run, provisioned as the gateway provisions its embedded default (or TEST_DATABASE_URL);
/// each gateway gets a fresh database, so tests never see each other's keys.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    EmbeddedPostgres? _cluster;
    string? _adminConnectionString;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"gateway-e2e-{Environment.ProcessId}");

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

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "e2e_" + Guid.NewGuid().ToString("N")[..16];
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
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
