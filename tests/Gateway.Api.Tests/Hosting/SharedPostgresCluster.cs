using Gateway.Api.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Tests.Hosting;

/// <summary>One embedded cluster for the tests that only need a running one (starting it costs about a second).</summary>
public sealed class SharedPostgresCluster : IAsyncLifetime
{
    readonly TempDirectory _root = new();

    public string RootDirectory => _root.Path;

    public EmbeddedPostgres Postgres { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Postgres = await EmbeddedPostgres.StartAsync(_root.Path, NullLogger.Instance, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (Postgres is not null)
            await Postgres.DisposeAsync();
        _root.Dispose();
    }
}

[CollectionDefinition(nameof(SharedPostgresClusterCollection))]
public sealed class SharedPostgresClusterCollection : ICollectionFixture<SharedPostgresCluster>;
