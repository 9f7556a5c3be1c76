using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

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
        var builder = await GatewayTestHost.BuilderAsync(postgres, configYaml);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
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
