using Alba;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>A test class whose every test gets its own gateway on its own database: for tests that count events.</summary>
public abstract class FreshGateway(PostgresFixture postgres) : IAsyncLifetime
{
    protected IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await GatewayTestHost.StartAsync(postgres);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
