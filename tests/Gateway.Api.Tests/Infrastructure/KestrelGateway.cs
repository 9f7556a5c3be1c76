using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// The real gateway on real Kestrel at 127.0.0.1 (not Alba's in-memory server), for what only a socket shows:
/// that streamed chunks reach the client as they arrive.
/// </summary>
public sealed class KestrelGateway : IAsyncDisposable
{
    readonly WebApplication _app;

    KestrelGateway(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public IServiceProvider Services => _app.Services;

    public static async Task<KestrelGateway> StartAsync(PostgresFixture postgres, string configYaml)
    {
        var home = Directory.CreateDirectory(Path.Combine(postgres.Root, "hosts", Guid.NewGuid().ToString("N"))).FullName;
        var config = Path.Combine(home, "config.yaml");
        await File.WriteAllTextAsync(config, configYaml);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GatewayHost).Assembly.GetName().Name,
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = await postgres.CreateDatabaseAsync(),
            ["GATEWAY_MASTER_KEY"] = GatewayTestHost.MasterKey,
            ["GATEWAY_HOME"] = home,
            ["GATEWAY_CONFIG"] = config,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGateway(NullLogger.Instance);
        var app = builder.Build();
        app.MapGateway();
        await app.StartAsync();
        return new KestrelGateway(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
