using Alba;
using Gateway.Api.Events;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// Boots the real gateway (the same <see cref="GatewayHost"/> composition Program uses) in memory with Alba, on
/// its own PostgreSQL database, with an optional config.yaml and settings.
/// </summary>
public static class GatewayTestHost
{
    public const string MasterKey = "sk-test-master-key-0123456789";

    public static readonly string MasterKeyHash = Gateway.Domain.Keys.KeyPlaintext.Hash(MasterKey);

    public static async Task<IAlbaHost> StartAsync(
        PostgresFixture postgres, string? configYaml = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = await BuilderAsync(postgres, configYaml, settings);
        services?.Invoke(builder.Services);
        return await AlbaHost.For(builder, app => app.MapGateway());
    }

    /// <summary>
    /// The gateway's builder as <see cref="GatewayHost"/> composes it for Program, on its own database (unless the
    /// settings name one), with an optional config.yaml and settings; not built yet.
    /// </summary>
    public static async Task<WebApplicationBuilder> BuilderAsync(
        PostgresFixture postgres, string? configYaml = null, IDictionary<string, string?>? settings = null)
    {
        var home = Directory.CreateDirectory(Path.Combine(postgres.Root, "hosts", Guid.NewGuid().ToString("N"))).FullName;
        var values = new Dictionary<string, string?>
        {
            // A test that brings its own database (another cluster, a second node) costs the shared cluster nothing.
            ["DATABASE_URL"] = settings?.TryGetValue("DATABASE_URL", out var database) == true ? database : await postgres.CreateDatabaseAsync(),
            ["GATEWAY_MASTER_KEY"] = MasterKey,
            ["GATEWAY_HOME"] = home,
            ["GATEWAY_CONFIG"] = null,
        };
        if (configYaml is not null)
        {
            var path = Path.Combine(home, "config.yaml");
            await File.WriteAllTextAsync(path, configYaml);
            values["GATEWAY_CONFIG"] = path;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GatewayHost).Assembly.GetName().Name,
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddGateway(NullLogger.Instance);
        return builder;
    }

    /// <summary>Waits until the batching writer has put every event enqueued so far into PostgreSQL.</summary>
    public static Task EventsPersisted(this IAlbaHost host) =>
        host.Services.GetRequiredService<EventWriter>().WaitUntilPersistedAsync(TimeSpan.FromSeconds(30));

    /// <summary>All events of one type in the store, oldest first.</summary>
    public static async Task<IReadOnlyList<T>> Events<T>(this IAlbaHost host) where T : class
    {
        await host.EventsPersisted();
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.QueryRawEventDataOnly<T>().ToListAsync();
    }

    /// <summary>The same short chat call every time (so it costs the same), as <paramref name="key"/>, for end user <paramref name="user"/>.</summary>
    public static Task<IScenarioResult> Chat(this IAlbaHost host, string key, string? user = null, string model = "mock-gpt") => host.Scenario(s =>
    {
        s.Post.Json(new Dictionary<string, object?>
        {
            ["model"] = model,
            ["max_tokens"] = 20,
            ["messages"] = new[] { new { role = "user", content = "Tell me about budgets in exactly these words please" } },
            ["user"] = user,
        }).ToUrl("/v1/chat/completions");
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.IgnoreStatusCode();
    });

    /// <summary>What the gateway charged for a call, from its x-litellm-response-cost header.</summary>
    public static decimal ResponseCost(this IScenarioResult result) =>
        decimal.Parse(result.Context.Response.Headers["x-litellm-response-cost"]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Posts an admin command with the master key; the JSON answer (the command must succeed).</summary>
    public static async Task<System.Text.Json.JsonElement> AdminPost(this IAlbaHost host, string url, object body)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithMasterKey();
        });
        return System.Text.Json.JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
    }

    public static void WithMasterKey(this Scenario scenario) =>
        scenario.WithRequestHeader("Authorization", $"Bearer {MasterKey}");
}
