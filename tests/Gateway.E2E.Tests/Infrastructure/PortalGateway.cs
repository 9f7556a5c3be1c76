using Gateway.Api.Tests.Infrastructure;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Domain.Keys;
using Gateway.Api;
using Gateway.Api.Events;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.E2E.Tests.Infrastructure;

/// <summary>
/// The real gateway (GatewayHost, as Program composes it) listening on a real port on 127.0.0.1, with the portal, its
/// own database and no config: the built-in mock models answer, so a browser can drive the whole thing.
/// </summary>
public sealed class PortalGateway : IAsyncDisposable
{
    public const string MasterKey = "sk-e2e-master-key-0123456789";

    readonly WebApplication _app;
    readonly HttpClient _http;

    PortalGateway(WebApplication app)
    {
        _app = app;
        _http = new HttpClient { BaseAddress = BaseUrl };
    }

    public Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public IServiceProvider Services => _app.Services;

    public static async Task<PortalGateway> StartAsync(PostgresFixture postgres, IDictionary<string, string?>? settings = null)
    {
        var home = Directory.CreateDirectory(Path.Combine(postgres.Root, "hosts", Guid.NewGuid().ToString("N"))).FullName;
        var values = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = await postgres.CreateDatabaseAsync(),
            ["GATEWAY_MASTER_KEY"] = MasterKey,
            ["GATEWAY_HOME"] = home,
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
            values[name] = value;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GatewayHost).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGateway(NullLogger.Instance);
        var app = builder.Build();
        app.MapGateway();
        await app.StartAsync();
        return new PortalGateway(app);
    }

    /// <summary>A short chat call with <paramref name="key"/> to <paramref name="model"/> (the mock model unless named).</summary>
    public async Task<HttpResponseMessage> ChatAsync(string key, CancellationToken ct, string model = "mock-gpt")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model,
                max_tokens = 20,
                messages = new[] { new { role = "user", content = "Say something about budgets, please" } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _http.SendAsync(request, ct);
    }

    /// <summary>Posts an admin API command with the master key; the command must succeed. Its JSON answer.</summary>
    public async Task<JsonElement> AdminPostAsync(string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MasterKey);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A key as the store has it now, by alias.</summary>
    public async Task<VirtualKey> KeyAsync(string alias)
    {
        await using var session = _app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Query<VirtualKey>().Where(k => k.KeyAlias == alias).ToListAsync()).Single();
    }

    /// <summary>Every event of one type in the store.</summary>
    public async Task<IReadOnlyList<T>> EventsAsync<T>() where T : class
    {
        await using var session = _app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.QueryRawEventDataOnly<T>().ToListAsync();
    }

    /// <summary>Waits until every call so far is in the store and the spend rollups have caught up.</summary>
    public async Task SpendRecordedAsync()
    {
        await _app.Services.GetRequiredService<EventWriter>().WaitUntilPersistedAsync(TimeSpan.FromSeconds(30));
        await _app.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
