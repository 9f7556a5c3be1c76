using Alba;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>One gateway with no config (the built-in mock models) shared by a test class.</summary>
public sealed class MockGateway(PostgresFixture postgres) : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await GatewayTestHost.StartAsync(postgres);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
