using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// An OpenAI-compatible upstream on 127.0.0.1 that answers model <c>ok</c> normally and, for <c>echo-401</c> and
/// <c>echo-500</c>, an error quoting every credential header it was sent, as careless proxies and some providers do.
/// </summary>
public sealed class EchoingUpstream : IAsyncDisposable
{
    readonly WebApplication _app;

    EchoingUpstream(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1");

    public static async Task<EchoingUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", Answer);
        await app.StartAsync();
        return new EchoingUpstream(app);
    }

    static async Task Answer(HttpContext context)
    {
        using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
        var model = body.RootElement.GetProperty("model").GetString();
        var credentials = $"Authorization: {context.Request.Headers.Authorization}; api-key: {context.Request.Headers["api-key"]}";
        if (model is "echo-401" or "echo-500")
        {
            context.Response.StatusCode = model == "echo-401" ? 401 : 500;
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"Incorrect API key provided. You sent {credentials}", type = "invalid_request_error", param = credentials, code = "invalid_api_key" } });
            return;
        }
        await context.Response.WriteAsJsonAsync(new
        {
            id = "chatcmpl-echo",
            @object = "chat.completion",
            created = 1700000000,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "fine" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 5, completion_tokens = 1, total_tokens = 6 },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
