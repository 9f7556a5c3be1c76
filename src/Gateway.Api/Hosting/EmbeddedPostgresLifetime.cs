using Microsoft.Extensions.Hosting;

namespace Gateway.Api.Hosting;

/// <summary>
/// Stops the private PostgreSQL cluster when the gateway stops. Registered before every other hosted service, so
/// it stops last: after the server has drained its requests and the event writer its queue.
/// </summary>
public sealed class EmbeddedPostgresLifetime(EmbeddedPostgres postgres) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => postgres.StopAsync();
}
