using System.Text.Json;
using Alba;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>A test class whose every test gets its own gateway on its own database: for tests that count events.</summary>
public abstract class FreshGateway(PostgresFixture postgres) : IAsyncLifetime
{
    protected IAlbaHost Host { get; private set; } = null!;

    /// <summary>The test run's PostgreSQL, for a test that boots a second gateway of its own.</summary>
    protected PostgresFixture Postgres => postgres;

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

    /// <summary>The same short chat call every time (so it costs the same), as <paramref name="key"/>, for end user <paramref name="user"/>.</summary>
    protected Task<IScenarioResult> Chat(string key, string? user = null, string model = "mock-gpt") => Host.Chat(key, user, model);

    /// <summary>What the gateway charged for a call, from its x-litellm-response-cost header.</summary>
    protected static decimal Cost(IScenarioResult result) => result.ResponseCost();

    /// <summary>The config.yaml the gateway starts with; none (the built-in mock models) unless a test class says.</summary>
    protected virtual string? ConfigYaml => null;

    /// <summary>Settings (environment variables) the gateway starts with, beyond the test defaults.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    /// <summary>Replaces services after the gateway's own registrations (a controlled clock, say).</summary>
    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services) { }

    public async ValueTask InitializeAsync() => Host = await GatewayTestHost.StartAsync(postgres, ConfigYaml, Settings, ConfigureServices);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
