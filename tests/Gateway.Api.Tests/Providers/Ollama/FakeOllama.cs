using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Providers.Ollama;

/// <summary>
/// A real HTTP server on 127.0.0.1 shaped like Ollama's native API (docs/api.md): <c>POST /api/chat</c>,
/// <c>/api/embed</c>, streaming NDJSON unless <c>"stream": false</c> (Ollama streams by default).
/// It refuses what does not fit Ollama's request structs with a 400 <c>{"error": …}</c>: unknown top-level fields or
/// options, message content that is not a string, images that are not bare base64, tool-call arguments that are not an
/// object; an unknown model is a 404 "model … not found". Models: <c>llama3.2</c> (answers, or calls
/// get_current_weather when given tools, or answers a tool result), <c>qwen3</c> (thinks first), <c>llava</c> (describes
/// images), <c>cached</c> (no prompt_eval_count, as for a fully cached prompt), <c>breaks</c> (an error line mid-stream),
/// <c>busy</c> (503). <see cref="RequiredKey"/>, when set, must come as a bearer token.
/// </summary>
public sealed class FakeOllama : IAsyncDisposable
{
    static readonly HashSet<string> ChatFields = ["model", "messages", "stream", "format", "keep_alive", "tools", "options", "think"];
    static readonly HashSet<string> EmbedFields = ["model", "input", "truncate", "options", "keep_alive", "dimensions"];
    static readonly HashSet<string> MessageFields = ["role", "content", "images", "tool_calls", "thinking", "tool_name"];
    static readonly HashSet<string> Options =
    [
        "num_keep", "seed", "num_predict", "top_k", "top_p", "min_p", "typical_p", "repeat_last_n", "temperature", "repeat_penalty",
        "presence_penalty", "frequency_penalty", "mirostat", "mirostat_tau", "mirostat_eta", "penalize_newline", "stop", "numa",
        "num_ctx", "num_batch", "num_gpu", "main_gpu", "low_vram", "vocab_only", "use_mmap", "use_mlock", "num_thread", "tfs_z",
    ];
    static readonly string[] Models = ["llama3.2", "qwen3", "llava", "cached", "breaks", "busy", "nomic-embed-text"];

    readonly WebApplication _app;

    public sealed record Received(string Path, JsonObject Body, IReadOnlyDictionary<string, string> Headers);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string? RequiredKey { get; set; }

    FakeOllama(WebApplication app) => _app = app;

    /// <summary>The server root, e.g. http://127.0.0.1:PORT (what users put in api_base).</summary>
    public string Root => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<FakeOllama> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeOllama(app);
        app.MapPost("/api/chat", c => fake.Handle(c, "chat"));
        app.MapPost("/api/embed", c => fake.Handle(c, "embed"));
        app.MapFallback(c => { c.Response.StatusCode = 404; return c.Response.WriteAsync("404 page not found"); });
        await app.StartAsync();
        return fake;
    }

    async Task Handle(HttpContext context, string kind)
    {
        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        }
        catch (JsonException ex)
        {
            await Error(context, 400, ex.Message);
            return;
        }
        Requests.Enqueue(new Received(context.Request.Path, body, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));

        if (RequiredKey is not null && context.Request.Headers.Authorization.ToString() != $"Bearer {RequiredKey}")
        {
            await Error(context, 401, "unauthorized");
            return;
        }
        var fields = kind switch { "chat" => ChatFields, _ => EmbedFields };
        if (body.Select(p => p.Key).FirstOrDefault(k => !fields.Contains(k)) is { } unknown)
        {
            await Error(context, 400, $"json: unknown field \"{unknown}\"");
            return;
        }
        if (Invalid(body, kind) is { } problem)
        {
            await Error(context, 400, problem);
            return;
        }
        var model = body["model"]?.GetValue<string>() ?? "";
        if (!Models.Contains(model))
        {
            await Error(context, 404, $"model \"{model}\" not found, try pulling it first");
            return;
        }
        if (model == "busy")
        {
            await Error(context, 503, "server busy, please try again.  maximum pending requests exceeded");
            return;
        }

        if (kind == "embed")
        {
            var count = body["input"] is JsonArray inputs ? inputs.Count : 1;
            var embeddings = new JsonArray();
            for (var i = 0; i < count; i++)
                embeddings.Add(new JsonArray(0.010071029 + i, -0.0017594862, 0.05007221, 0.04692972));
            await Json(context, new JsonObject
            {
                ["model"] = model, ["embeddings"] = embeddings,
                ["total_duration"] = 14143917, ["load_duration"] = 1019500, ["prompt_eval_count"] = 8,
            });
            return;
        }

        var (thinking, content, toolCall) = Answer(body, model, kind);
        var numPredict = body["options"]?["num_predict"]?.GetValue<int>();
        var doneReason = "stop";
        var words = content.Split(' ');
        if (numPredict is { } limit && limit < words.Length)
        {
            content = string.Join(' ', words.Take(limit));
            doneReason = "length";
        }
        var stream = body["stream"]?.GetValue<bool>() ?? true;
        var textField = kind == "chat" ? null : "response";

        JsonObject Line(string? text, string? think, JsonArray? calls, bool done)
        {
            var line = new JsonObject { ["model"] = model, ["created_at"] = "2024-07-22T20:33:28.123648Z" };
            if (textField is null)
            {
                var message = new JsonObject { ["role"] = "assistant", ["content"] = text ?? "" };
                if (think is not null) message["thinking"] = think;
                if (calls is not null) message["tool_calls"] = calls;
                line["message"] = message;
            }
            else
            {
                line["response"] = text ?? "";
                if (think is not null) line["thinking"] = think;
            }
            line["done"] = done;
            if (done)
            {
                line["done_reason"] = doneReason;
                line["total_duration"] = 885095291;
                line["load_duration"] = 3753500;
                if (model != "cached")
                {
                    line["prompt_eval_count"] = 26;
                    line["prompt_eval_duration"] = 328493000;
                }
                line["eval_count"] = 8;
                line["eval_duration"] = 552222000;
                if (textField is not null)
                    line["context"] = new JsonArray(1, 2, 3);
            }
            return line;
        }

        if (!stream)
        {
            await Json(context, Line(content, thinking, toolCall is null ? null : new JsonArray(toolCall), done: true));
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        if (thinking is not null)
            await Ndjson(context, Line("", thinking, null, done: false));
        if (toolCall is not null)
            await Ndjson(context, Line("", null, new JsonArray(toolCall), done: false));
        var pieces = content.Length == 0 ? [] : content.Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToArray();
        for (var i = 0; i < pieces.Length; i++)
        {
            if (model == "breaks" && i == 2)
            {
                await Ndjson(context, new JsonObject { ["error"] = "an error was encountered while running the model: unexpected EOF" });
                return;
            }
            await Ndjson(context, Line(pieces[i], null, null, done: false));
        }
        await Ndjson(context, Line("", null, null, done: true));
    }

    /// <summary>What the model says: thinking (qwen3), text, or a tool call (llama3.2 given tools and no tool result yet).</summary>
    static (string? Thinking, string Content, JsonObject? ToolCall) Answer(JsonObject body, string model, string kind)
    {
        var thinking = model == "qwen3" ? "The user greets me; answer briefly." : null;
        var messages = body["messages"]!.AsArray();
        var last = messages[^1]!;
        if (model == "llava")
            return (null, "A happy cartoon character, which is cute and cheerful.", null);
        if (last["role"]!.GetValue<string>() == "tool")
            return (thinking, $"It is {last["content"]!.GetValue<string>()} in Paris.", null);
        if (body["tools"] is JsonArray { Count: > 0 } tools && tools[0]!["function"]!["name"]!.GetValue<string>() == "get_current_weather")
            return (thinking, "", new JsonObject
            {
                ["function"] = new JsonObject
                {
                    ["name"] = "get_current_weather",
                    ["arguments"] = new JsonObject { ["format"] = "celsius", ["location"] = "Paris, FR" },
                },
            });
        return (thinking, "The sky is blue because of Rayleigh scattering.", null);
    }

    /// <summary>The checks Ollama's Go structs make when it decodes a request.</summary>
    static string? Invalid(JsonObject body, string kind)
    {
        if (body["model"] is not JsonValue model || model.GetValueKind() != JsonValueKind.String)
            return "model is required";
        if (body["stream"] is { } stream && stream.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            return "json: cannot unmarshal into Go struct field .stream of type bool";
        if (body["format"] is { } format && !(format.GetValueKind() == JsonValueKind.Object || (format.GetValueKind() == JsonValueKind.String && format.GetValue<string>() == "json")))
            return $"invalid format: {format.ToJsonString()}";
        if (body["options"] is { } options)
        {
            if (options is not JsonObject map)
                return "json: cannot unmarshal into Go struct field .options of type map[string]interface {}";
            if (map.Select(p => p.Key).FirstOrDefault(k => !Options.Contains(k)) is { } unknown)
                return $"invalid option provided: {unknown}";
            if (map["num_predict"] is { } n && n.GetValueKind() != JsonValueKind.Number)
                return "option num_predict must be of type integer";
            if (map["stop"] is { } stop && (stop is not JsonArray stops || stops.Any(s => s?.GetValueKind() != JsonValueKind.String)))
                return "option stop must be of type array of strings";
        }
        if (body["images"] is { } images && Images(images) is { } badImages)
            return badImages;

        switch (kind)
        {
            case "chat":
                if (body["messages"] is not JsonArray messages)
                    return "messages is required";
                foreach (var message in messages.OfType<JsonObject>())
                {
                    if (message.Select(p => p.Key).FirstOrDefault(k => !MessageFields.Contains(k)) is { } unknown)
                        return $"json: unknown field \"{unknown}\" in message";
                    if (message["role"]?.GetValue<string>() is not ("system" or "user" or "assistant" or "tool"))
                        return $"invalid role: {message["role"]}";
                    if (message["content"] is { } content && content.GetValueKind() != JsonValueKind.String)
                        return "json: cannot unmarshal array into Go struct field Message.messages.content of type string";
                    if (message["images"] is { } messageImages && Images(messageImages) is { } bad)
                        return bad;
                    if (message["tool_calls"] is JsonArray calls && calls.Any(c => c?["function"]?["arguments"] is not JsonObject))
                        return "json: cannot unmarshal string into Go struct field ToolCallFunction.messages.tool_calls.function.arguments of type api.ToolCallFunctionArguments";
                }
                if (body["tools"] is JsonArray tools && tools.Any(t => t?["type"]?.GetValue<string>() != "function" || t["function"]?["name"] is null))
                    return "invalid tool definition";
                return null;
            default:
                return body["input"] switch
                {
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => null,
                    JsonArray a when a.All(i => i?.GetValueKind() == JsonValueKind.String) => null,
                    _ => "invalid input type",
                };
        }
    }

    static string? Images(JsonNode images)
    {
        if (images is not JsonArray list)
            return "images must be an array";
        foreach (var image in list)
        {
            var text = image?.GetValueKind() == JsonValueKind.String ? image.GetValue<string>() : null;
            if (text is null || text.StartsWith("data:", StringComparison.Ordinal))
                return "illegal base64 data at input byte 4";
            try
            {
                Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                return "illegal base64 data at input byte 0";
            }
        }
        return null;
    }

    static async Task Ndjson(HttpContext context, JsonNode line)
    {
        await context.Response.WriteAsync(line.ToJsonString() + "\n");
        await context.Response.Body.FlushAsync();
    }

    static Task Json(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return Json(context, new JsonObject { ["error"] = message });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
