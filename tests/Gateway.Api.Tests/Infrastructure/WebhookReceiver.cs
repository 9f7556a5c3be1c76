using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// A webhook endpoint on 127.0.0.1 that answers 500 to its first <c>failFirst</c> deliveries (to exercise retries)
/// and keeps every body it accepted.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly WebApplication _app;
    int _failuresLeft;
    int _attempts;

    public sealed record Delivery(JsonElement Body, string? IdempotencyKey);

    public ConcurrentQueue<Delivery> Accepted { get; } = new();

    public int Attempts => Volatile.Read(ref _attempts);

    WebhookReceiver(WebApplication app, int failFirst) => (_app, _failuresLeft) = (app, failFirst);

    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks/budget");

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failFirst);
        app.MapPost("/hooks/budget", async context =>
        {
            Interlocked.Increment(ref receiver._attempts);
            if (Interlocked.Decrement(ref receiver._failuresLeft) >= 0)
            {
                context.Response.StatusCode = 500;
                return;
            }
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            receiver.Accepted.Enqueue(new Delivery(body, context.Request.Headers["Idempotency-Key"]));
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> deliveries were accepted (or fails after 30 s).</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Accepted.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} webhook deliveries, got {Accepted.Count} after {Attempts} attempts");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return Accepted.ToList();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
