using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Routing;

/// <summary>
/// A real OpenAI-speaking server on 127.0.0.1 that fails on purpose. Each deployment points its api_base at
/// <c>/{name}/{behaviour}/v1</c>: the name counts its calls, the behaviour says what it does —
/// <c>ok</c>; <c>down</c> (500); <c>limited</c> (429, retry-after 1); <c>limited-once</c> (one 429 with retry-after 1, then
/// ok); <c>fails-N</c> (N 500s, then ok); <c>unauthorized</c> (401); <c>too-long</c> (400 context_length_exceeded);
/// <c>filtered</c> (400 content_policy_violation); <c>bad</c> (plain 400); <c>slow</c> (headers after 5 s); <c>late-first</c>
/// (a stream's headers at once, its first chunk after 5 s); <c>stalls</c> (a stream's first chunk, then nothing for 30 s);
/// <c>breaks</c> (a stream's first chunk, then the connection is cut); <c>trickle</c> (a stream of six chunks 300 ms
/// apart); <c>lag</c> (answers after 200 ms); <c>hold</c> (answers after 1.5 s); <c>reset</c> (the connection is cut before any answer).
/// Like OpenAI it refuses a request without a bearer key, model or messages with a 400, so a wrong request fails the test.
/// </summary>
public sealed class FaultyOpenAI : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    FaultyOpenAI(WebApplication app) => _app = app;

    public string Root => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The api_base of a deployment named <paramref name="name"/> that behaves as <paramref name="behaviour"/>.</summary>
    public string ApiBase(string name, string behaviour) => $"{Root}/{name}/{behaviour}/v1";

    /// <summary>Calls the deployment named <paramref name="name"/> received.</summary>
    public int Calls(string name) => _calls.GetValueOrDefault(name);

    /// <summary>The model names the upstream was asked for, in order.</summary>
    public ConcurrentQueue<string> Models { get; } = new();

    public static async Task<FaultyOpenAI> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FaultyOpenAI(app);
        app.MapPost("/{name}/{behaviour}/v1/chat/completions", (HttpContext context, string name, string behaviour) => fake.HandleAsync(context, name, behaviour));
        await app.StartAsync();
        return fake;
    }

    async Task HandleAsync(HttpContext context, string name, string behaviour)
    {
        var calls = _calls.AddOrUpdate(name, 1, static (_, n) => n + 1);
        var aborted = context.RequestAborted;

        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await Error(context, 401, "You didn't provide an API key.", "invalid_request_error", null);
            return;
        }
        JsonObject? body;
        try
        {
            body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: aborted))?.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }
        if (body?["model"]?.GetValue<string>() is not { Length: > 0 } model || body["messages"] is not JsonArray { Count: > 0 })
        {
            await Error(context, 400, "'model' and a non-empty 'messages' are required.", "invalid_request_error", null);
            return;
        }
        Models.Enqueue(model);
        var stream = body["stream"]?.GetValue<bool>() ?? false;

        switch (behaviour)
        {
            case "down":
                await Error(context, 500, "The server had an error while processing your request.", "server_error", null);
                return;
            case "limited":
            case "limited-once" when calls == 1:
                context.Response.Headers.RetryAfter = "1";
                await Error(context, 429, "Rate limit reached for requests", "requests", "rate_limit_exceeded");
                return;
            case var fails when fails.StartsWith("fails-", StringComparison.Ordinal) && calls <= int.Parse(fails[6..], System.Globalization.CultureInfo.InvariantCulture):
                await Error(context, 500, "The server had an error while processing your request.", "server_error", null);
                return;
            case "unauthorized":
                await Error(context, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
                return;
            case "too-long":
                await Error(context, 400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
                    "invalid_request_error", "context_length_exceeded");
                return;
            case "filtered":
                await Error(context, 400, "Your request was rejected as a result of our safety system.", "invalid_request_error", "content_policy_violation");
                return;
            case "bad":
                await Error(context, 400, "Invalid value for 'temperature'.", "invalid_request_error", null);
                return;
            case "reset":
                context.Abort();
                return;
            case "slow":
                if (!await Wait(TimeSpan.FromSeconds(5), aborted))
                    return;
                break;
            case "lag" or "hold":
                if (!await Wait(TimeSpan.FromMilliseconds(behaviour == "lag" ? 200 : 1500), aborted))
                    return;
                break;
        }

        var content = $"Hello from {name}";
        var usage = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 4, ["total_tokens"] = 14 };
        if (!stream)
        {
            await Json(context, 200, new JsonObject
            {
                ["id"] = "chatcmpl-faulty", ["object"] = "chat.completion", ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content }, ["finish_reason"] = "stop",
                }),
                ["usage"] = usage,
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync(aborted);
        await context.Response.Body.FlushAsync(aborted);
        if (behaviour == "late-first" && !await Wait(TimeSpan.FromSeconds(5), aborted))
            return;

        string[] pieces = behaviour == "trickle" ? ["Hello", " slowly", " but", " surely", " from", $" {name}"] : ["Hello", " from", $" {name}"];
        for (var i = 0; i < pieces.Length; i++)
        {
            if (i > 0 && behaviour == "trickle" && !await Wait(TimeSpan.FromMilliseconds(300), aborted))
                return;
            await Sse(context, new JsonObject
            {
                ["id"] = "chatcmpl-faulty", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["delta"] = i == 0 ? new JsonObject { ["role"] = "assistant", ["content"] = pieces[i] } : new JsonObject { ["content"] = pieces[i] },
                    ["finish_reason"] = i == pieces.Length - 1 ? "stop" : null,
                }),
            }.ToJsonString());
            if (i == 0 && behaviour == "stalls" && !await Wait(TimeSpan.FromSeconds(30), aborted))
                return;
            if (i == 0 && behaviour == "breaks")
            {
                // Let the flushed chunk leave the socket: Kestrel's abort discards unsent output.
                await Task.Delay(200, CancellationToken.None);
                context.Abort();
                return;
            }
        }
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            await Sse(context, new JsonObject
            {
                ["id"] = "chatcmpl-faulty", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(), ["usage"] = usage.DeepClone(),
            }.ToJsonString());
        }
        await Sse(context, "[DONE]");
    }

    static async Task<bool> Wait(TimeSpan delay, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(delay, aborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    static async Task Sse(HttpContext context, string data)
    {
        await context.Response.WriteAsync($"data: {data}\n\n");
        await context.Response.Body.FlushAsync();
    }

    static Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    static Task Error(HttpContext context, int status, string message, string type, string? code) =>
        Json(context, status, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
        });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
