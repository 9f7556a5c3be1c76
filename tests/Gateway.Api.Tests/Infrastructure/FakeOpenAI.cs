using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks OpenAI's wire format (chat completions, completions, embeddings;
/// SSE streams with <c>stream_options.include_usage</c> honoured as OpenAI does). The model name picks a behaviour:
/// <c>rate-limited</c> (429 + retry-after), <c>broken</c> (500), <c>bad-request</c> (400 with a code),
/// <c>no-usage</c> (omits usage), <c>slow</c> (answers after 3 s), <c>gated</c> (see <see cref="Gate"/>), <c>breaks-mid-stream</c> (drops the connection
/// after two chunks), <c>paced</c> (takes <see cref="Pace"/>: before a JSON answer, spread between a stream's chunks). Every request it receives is kept for assertions.
/// </summary>
public sealed class FakeOpenAI : IAsyncDisposable
{
    readonly WebApplication _app;

    public sealed record Received(string Path, JsonObject Body, IReadOnlyDictionary<string, string> Headers)
    {
        public DateTime At { get; init; } = DateTime.UtcNow;
    }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Model <c>gated</c> streams its first chunk, then waits here before sending the rest.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long model <c>paced</c> takes to answer, so that calls are in flight for a while.</summary>
    public TimeSpan Pace { get; set; } = TimeSpan.FromMilliseconds(200);

    FakeOpenAI(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1");

    public static async Task<FakeOpenAI> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeOpenAI(app);
        app.MapPost("/v1/chat/completions", context => fake.Handle(context, "chat"));
        app.MapPost("/v1/completions", context => fake.Handle(context, "text"));
        app.MapPost("/v1/embeddings", context => fake.Handle(context, "embeddings"));
        await app.StartAsync();
        return fake;
    }

    async Task Handle(HttpContext context, string kind)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        Requests.Enqueue(new Received(
            context.Request.Path,
            body,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));

        var model = body["model"]!.GetValue<string>();
        var stream = body["stream"]?.GetValue<bool>() ?? false;
        var includeUsage = body["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false;

        switch (model)
        {
            case "rate-limited":
                context.Response.Headers.RetryAfter = "7";
                await Error(context, 429, "Rate limit reached for requests", "requests", "rate_limit_exceeded");
                return;
            case "broken":
                await Error(context, 500, "The server had an error while processing your request.", "server_error", null);
                return;
            case "bad-request":
                await Error(context, 400, "This model's maximum context length is 8192 tokens.", "invalid_request_error", "context_length_exceeded");
                return;
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted);
                break;
            case "paced" when !stream:
                await Task.Delay(Pace, context.RequestAborted);
                break;
        }

        const string content = "Hello from the fake upstream!";
        var usage = new JsonObject
        {
            ["prompt_tokens"] = 12, ["completion_tokens"] = 7, ["total_tokens"] = 19,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 4 },
            ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 2 },
        };
        var withUsage = model != "no-usage";

        if (kind == "embeddings")
        {
            await Json(context, new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject { ["object"] = "embedding", ["index"] = 0, ["embedding"] = new JsonArray(0.1, 0.2, 0.3) }),
                ["model"] = model,
                ["usage"] = new JsonObject { ["prompt_tokens"] = 5, ["total_tokens"] = 5 },
            });
            return;
        }

        if (!stream)
        {
            var response = new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = kind == "chat" ? "chat.completion" : "text_completion",
                ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(kind == "chat"
                    ? new JsonObject { ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content }, ["finish_reason"] = "stop" }
                    : new JsonObject { ["index"] = 0, ["text"] = content, ["finish_reason"] = "stop" }),
            };
            if (withUsage)
                response["usage"] = usage;
            await Json(context, response);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var pieces = new[] { "Hello", " from", " the", " fake", " upstream!" };
        for (var i = 0; i < pieces.Length; i++)
        {
            if (model == "gated" && i == 1)
                await Gate.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            if (model == "paced")
                await Task.Delay(Pace / pieces.Length, context.RequestAborted);
            if (model == "breaks-mid-stream" && i == 2)
            {
                // Let the chunks already flushed leave the socket: Kestrel's abort discards unsent output.
                await Task.Delay(200);
                context.Abort();
                return;
            }
            var chunk = new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["delta"] = i == 0 ? new JsonObject { ["role"] = "assistant", ["content"] = pieces[i] } : new JsonObject { ["content"] = pieces[i] },
                    ["finish_reason"] = i == pieces.Length - 1 ? "stop" : null,
                }),
            };
            if (includeUsage && withUsage)
                chunk["usage"] = null; // OpenAI sends usage: null on every chunk but the last
            await Sse(context, chunk.ToJsonString());
        }
        if (includeUsage && withUsage)
        {
            await Sse(context, new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(), ["usage"] = usage.DeepClone(),
            }.ToJsonString());
        }
        await Sse(context, "[DONE]");
    }

    static async Task Sse(HttpContext context, string data)
    {
        await context.Response.WriteAsync($"data: {data}\n\n");
        await context.Response.Body.FlushAsync();
    }

    static Task Json(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    static Task Error(HttpContext context, int status, string message, string type, string? code)
    {
        context.Response.StatusCode = status;
        return Json(context, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
