using Gateway.Api.Config;
using Gateway.Api.Hosting;
using Gateway.Domain;
using JasperFx;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Api.Cli;

/// <summary>
/// The gateway's database, for a CLI verb: found as the server finds it (<c>DATABASE_URL</c> or
/// <c>general_settings.database_url</c>, else the private cluster under <c>GATEWAY_HOME</c>), with the server's Marten
/// configuration in a host that is never started (no web server, no daemon). A private cluster already running (a
/// gateway is up) is used as it is and left running; one the verb had to start is stopped again when the verb ends,
/// unless a gateway connected to it meanwhile.
/// </summary>
public sealed class CliDatabase : IAsyncDisposable
{
    readonly EmbeddedPostgres? _startedHere;

    CliDatabase(GatewaySettings settings, IHost host, string connectionString, EmbeddedPostgres? startedHere)
    {
        Settings = settings;
        Host = host;
        ConnectionString = connectionString;
        _startedHere = startedHere;
    }

    public GatewaySettings Settings { get; }

    /// <summary>A host holding the store; never started.</summary>
    public IHost Host { get; }

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public string ConnectionString { get; }

    /// <summary>Names this process's sessions, so counting "other sessions" leaves them out.</summary>
    static string ApplicationName => $"gateway-cli-{Environment.ProcessId}";

    /// <exception cref="CliFailure">The configuration or the database cannot be used; the message says why.</exception>
    public static async Task<CliDatabase> OpenAsync(IConfiguration configuration, TextWriter error, CancellationToken ct)
    {
        GatewaySettings settings;
        try
        {
            settings = GatewaySettings.Resolve(configuration);
        }
        catch (ConfigException ex)
        {
            throw CliFailure.Usage($"the configuration cannot be used: {ex.Message}");
        }

        EmbeddedPostgres? startedHere = null;
        string connectionString;
        try
        {
            if (settings.DatabaseUrl is { } url)
            {
                connectionString = DatabaseUrl.ToNpgsqlConnectionString(url);
            }
            else
            {
                var postgres = await EmbeddedPostgres.StartAsync(settings.StateDirectory, NullLogger.Instance, ct);
                if (!postgres.WasAlreadyRunning)
                {
                    startedHere = postgres;
                    await error.WriteLineAsync($"note: no gateway is running on {settings.StateDirectory}; started its private PostgreSQL until this command ends.");
                }
                connectionString = postgres.ConnectionString;
            }
        }
        catch (EmbeddedPostgresException ex)
        {
            throw new CliFailure(ExitCodes.Database, ex.Message);
        }
        catch (ArgumentException ex) when (ex.ParamName == "value")
        {
            throw new CliFailure(ExitCodes.Usage, $"DATABASE_URL: {ex.Message}");
        }

        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationName }.ConnectionString;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(settings);
        AddStore(builder.Services, connectionString);
        var database = new CliDatabase(settings, builder.Build(), connectionString, startedHere);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await database.DisposeAsync();
            throw new CliFailure(ExitCodes.Database, $"cannot connect to the database: {ex.Message}");
        }
        return database;
    }

    /// <summary>Registers the gateway's store with the server's options (GatewayHost): the same schema, events, projections and headers.</summary>
    public void AddStore(IServiceCollection services) => AddStore(services, ConnectionString);

    static void AddStore(IServiceCollection services, string connectionString) =>
        services.AddMarten(options =>
            {
                options.Connection(connectionString);
                options.ConfigureGateway();
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                options.Events.MetadataConfig.HeadersEnabled = true;
                // The gateways' daemon runs the async projections; a verb never does (and Marten need not warn).
                options.Projections.AsyncMode = JasperFx.Events.Daemon.DaemonMode.ExternallyManaged;
            })
            .UseLightweightSessions();

    /// <summary>Sessions of other programs (a running gateway, psql) on this database.</summary>
    public async Task<int> OtherSessionsAsync(CancellationToken ct, bool wholeCluster = false)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var count = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where pid <> pg_backend_pid() and backend_type = 'client backend' "
            + "and coalesce(application_name, '') <> $1" + (wholeCluster ? "" : " and datname = current_database()"), connection);
        count.Parameters.Add(new NpgsqlParameter { Value = ApplicationName });
        return Convert.ToInt32(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        var othersConnected = 0;
        if (_startedHere is not null)
        {
            try
            {
                othersConnected = await OtherSessionsAsync(CancellationToken.None, wholeCluster: true);
            }
            catch (NpgsqlException)
            {
                // Cannot ask: stop it, as we started it.
            }
        }
        Host.Dispose();
        // Only this verb's pool: in-process callers (tests, a future host) keep theirs.
        await using (var own = new NpgsqlConnection(ConnectionString))
            NpgsqlConnection.ClearPool(own);
        // A gateway that started meanwhile took this cluster over: it is its to stop now.
        if (_startedHere is not null && othersConnected == 0)
            await _startedHere.StopAsync();
    }
}
