using System.Text.Json;
using Alba;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>A test class whose every test gets its own gateway on its own database: for tests that count events.</summary>
public abstract class FreshGateway(PostgresFixture postgres) : IAsyncLifetime
{
    protected IAlbaHost Host { get; private set; } = null!;

    /// <summary>Sends a request with a key (the master key by default); the JSON body on 200, else the checked error.</summary>
    protected async Task<JsonElement> Send(Action<Scenario> request, int status, string key = GatewayTestHost.MasterKey)
    {
        var result = await Host.Scenario(s =>
        {
            request(s);
            s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.StatusCodeShouldBe(status);
        });
        return status == 200 ? JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone() : await result.OpenAIError(status);
    }

    public async ValueTask InitializeAsync() => Host = await GatewayTestHost.StartAsync(postgres);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
