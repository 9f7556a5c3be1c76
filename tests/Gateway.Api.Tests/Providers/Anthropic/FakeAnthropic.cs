using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Providers.Anthropic;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks Anthropic's Messages API as its public reference documents it, and
/// refuses what the real API refuses (400 <c>invalid_request_error</c>, 401 <c>authentication_error</c>, in Anthropic's
/// <c>{"type":"error","error":{…}}</c> shape): a wrong path, a missing or wrong <c>x-api-key</c>, no <c>anthropic-version</c>,
/// no <c>max_tokens</c>, a <c>system</c> role in <c>messages</c>, turns that do not alternate or start with a user turn, empty
/// text blocks, tool results that do not answer the previous turn's <c>tool_use</c> blocks or do not lead their turn,
/// unknown top-level fields, and malformed tools, images or tool choices. A wrong translation therefore fails the test.
/// <para>
/// The model name picks a behaviour: <c>claude-rate-limited</c> (429 + retry-after), <c>claude-overloaded</c> (529),
/// <c>claude-too-long</c> (400 "prompt is too long"), <c>claude-thinking</c> (a thinking block first),
/// <c>claude-max-tokens</c> (stops at max_tokens), <c>claude-error-mid-stream</c> (an error event after one delta),
/// <c>claude-cut-mid-stream</c> (drops the connection after one delta). Otherwise: a forced tool answers with a tool_use,
/// a turn of tool results is answered in text that quotes them, offered tools are called, else a greeting.
/// </para>
/// </summary>
public sealed partial class FakeAnthropic : IAsyncDisposable
{
    public const string ApiKey = "sk-ant-fake-0123456789";
    public const string Greeting = "Hello from fake Claude!";
    public const int InputTokens = 21, CacheCreationTokens = 7, CacheReadTokens = 100, OutputTokens = 9;
    public const string Thinking = "Let me think about this.";

    static readonly string[] TopLevelFields =
    [
        "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "temperature", "top_p", "top_k",
        "tools", "tool_choice", "thinking", "service_tier",
    ];

    readonly WebApplication _app;

    public sealed record Received(string Path, JsonObject Body, IReadOnlyDictionary<string, string> Headers);

    public ConcurrentQueue<Received> Requests { get; } = new();

    FakeAnthropic(WebApplication app) => _app = app;

    /// <summary>The origin only: the provider adds <c>/v1/messages</c> as it does for api.anthropic.com.</summary>
    public Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<FakeAnthropic> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeAnthropic(app);
        app.MapPost("/v1/messages", context => fake.Messages(context));
        app.MapPost("/v1/messages/count_tokens", context => fake.CountTokens(context));
        app.MapFallback(context => Error(context, 404, "not_found_error", $"Not found: {context.Request.Method} {context.Request.Path}"));
        await app.StartAsync();
        return fake;
    }

    async Task Messages(HttpContext context)
    {
        var body = await Receive(context);
        if (body is null)
            return;
        if (Problem(body, countingTokens: false) is { } problem)
        {
            await Error(context, 400, "invalid_request_error", problem);
            return;
        }

        var model = body["model"]!.GetValue<string>();
        switch (model)
        {
            case "claude-rate-limited":
                context.Response.Headers.RetryAfter = "11";
                await Error(context, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit.");
                return;
            case "claude-overloaded":
                await Error(context, 529, "overloaded_error", "Overloaded");
                return;
            case "claude-too-long":
                await Error(context, 400, "invalid_request_error", "prompt is too long: 212345 tokens > 200000 maximum");
                return;
        }

        var (content, stopReason, stopSequence) = Reply(body, model);
        if (body["stream"]?.GetValue<bool>() == true)
        {
            await Stream(context, model, content, stopReason, stopSequence);
            return;
        }

        await Json(context, 200, new JsonObject
        {
            ["id"] = "msg_01FakeAnthropic", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
            ["content"] = content, ["stop_reason"] = stopReason, ["stop_sequence"] = stopSequence,
            ["usage"] = Usage(OutputTokens),
        });
    }

    async Task CountTokens(HttpContext context)
    {
        var body = await Receive(context);
        if (body is null)
            return;
        if (Problem(body, countingTokens: true) is { } problem)
        {
            await Error(context, 400, "invalid_request_error", problem);
            return;
        }
        await Json(context, 200, new JsonObject { ["input_tokens"] = 42 });
    }

    /// <summary>Checks the headers and records the request; null when it was already refused.</summary>
    async Task<JsonObject?> Receive(HttpContext context)
    {
        var request = context.Request;
        JsonObject? body = null;
        try
        {
            body = (await JsonNode.ParseAsync(request.Body))?.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
        }
        Requests.Enqueue(new Received(request.Path, body ?? [], request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));

        if (request.Headers["x-api-key"].ToString() != ApiKey)
        {
            await Error(context, 401, "authentication_error", "invalid x-api-key");
            return null;
        }
        if (string.IsNullOrEmpty(request.Headers["anthropic-version"]))
        {
            await Error(context, 400, "invalid_request_error", "anthropic-version: header is required");
            return null;
        }
        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await Error(context, 400, "invalid_request_error", "Content-Type must be application/json");
            return null;
        }
        if (body is null)
        {
            await Error(context, 400, "invalid_request_error", "The request body is not valid JSON");
            return null;
        }
        return body;
    }

    /// <summary>What the real API would refuse in this body, as its message; null when the body is acceptable.</summary>
    static string? Problem(JsonObject body, bool countingTokens)
    {
        foreach (var (name, _) in body)
            if (!TopLevelFields.Contains(name))
                return $"{name}: Extra inputs are not permitted";

        if (body["model"] is not JsonValue model || model.GetValueKind() != System.Text.Json.JsonValueKind.String)
            return "model: Field required";
        if (!countingTokens)
        {
            if (body["max_tokens"] is not JsonValue max || !max.TryGetValue<int>(out var maxTokens))
                return "max_tokens: Field required";
            if (maxTokens < 1)
                return "max_tokens: Input should be greater than or equal to 1";
            if (body["thinking"] is JsonObject thinking && thinking["type"]?.GetValue<string>() == "enabled"
                && (thinking["budget_tokens"]?.GetValue<int>() is not { } budget || budget < 1024 || budget >= maxTokens))
                return "thinking.budget_tokens: must be at least 1024 and less than max_tokens";
        }
        else if (body.ContainsKey("stream") || body.ContainsKey("max_tokens"))
        {
            return "count_tokens takes neither stream nor max_tokens";
        }

        if (body["system"] is { } system && SystemProblem(system) is { } systemProblem)
            return systemProblem;
        if (body["metadata"] is { } metadata && (metadata is not JsonObject meta || meta.Any(p => p.Key != "user_id")))
            return "metadata: only user_id is permitted";
        if (body["stop_sequences"] is { } stops
            && (stops is not JsonArray list || list.Any(s => s is not JsonValue v || string.IsNullOrWhiteSpace(v.GetValue<string>()))))
            return "stop_sequences: each stop sequence must contain non-whitespace";
        foreach (var name in (string[])["temperature", "top_p"])
            if (body[name] is JsonValue value && value.GetValue<double>() is < 0 or > 1)
                return $"{name}: Input should be less than or equal to 1";
        if (body["stream"] is { } stream && stream.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
            return "stream: Input should be a valid boolean";

        var toolNames = new HashSet<string>();
        if (body["tools"] is { } tools)
        {
            if (tools is not JsonArray toolList)
                return "tools: Input should be a valid list";
            foreach (var tool in toolList)
            {
                if (tool is not JsonObject t || t["name"]?.GetValue<string>() is not { } name || !ToolName().IsMatch(name))
                    return "tools: each tool needs a name matching ^[a-zA-Z0-9_-]{1,64}$";
                if (t["type"]?.GetValue<string>() is null or "custom")
                {
                    if (t["input_schema"] is not JsonObject schema || schema["type"]?.GetValue<string>() != "object")
                        return $"tools.{name}.input_schema: Input should be a JSON Schema with type \"object\"";
                    if (t.Any(p => p.Key is not ("name" or "description" or "input_schema" or "cache_control" or "type")))
                        return $"tools.{name}: Extra inputs are not permitted";
                }
                toolNames.Add(name);
            }
        }
        if (body["tool_choice"] is { } choice)
        {
            var type = (choice as JsonObject)?["type"]?.GetValue<string>();
            if (type is not ("auto" or "any" or "tool" or "none"))
                return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'";
            if (type is "any" or "tool" && toolNames.Count == 0)
                return "tool_choice may only be specified while providing tools";
            if (type == "tool" && (choice["name"]?.GetValue<string>() is not { } chosen || !toolNames.Contains(chosen)))
                return "tool_choice.name: must name one of the tools";
            if (type is "any" or "tool" && (body["thinking"] as JsonObject)?["type"]?.GetValue<string>() == "enabled")
                return "Thinking may not be enabled when tool_choice forces tool use.";
        }

        return MessagesProblem(body["messages"]);
    }

    static string? SystemProblem(JsonNode system)
    {
        if (system is JsonValue text)
            return string.IsNullOrEmpty(text.GetValue<string>()) ? "system: text must be non-empty" : null;
        if (system is not JsonArray blocks)
            return "system: Input should be a valid string or list";
        foreach (var block in blocks)
            if (block is not JsonObject b || b["type"]?.GetValue<string>() != "text" || string.IsNullOrWhiteSpace(b["text"]?.GetValue<string>()))
                return "system: each block must be a non-empty text block";
        return null;
    }

    static string? MessagesProblem(JsonNode? node)
    {
        if (node is not JsonArray messages || messages.Count == 0)
            return "messages: at least one message is required";

        string? previousRole = null;
        var pendingToolUses = new HashSet<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message)
                return $"messages.{i}: Input should be an object";
            var role = message["role"]?.GetValue<string>();
            if (role == "system")
                return "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.";
            if (role is not ("user" or "assistant"))
                return $"messages.{i}.role: Input should be 'user' or 'assistant'";
            if (i == 0 && role != "user")
                return "messages: first message must use the \"user\" role";
            if (role == previousRole)
                return $"messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"{role}\" roles in a row";

            var content = message["content"];
            if (content is JsonValue text)
            {
                if (string.IsNullOrEmpty(text.GetValue<string>()))
                    return $"messages.{i}: text content must be non-empty";
                if (pendingToolUses.Count > 0)
                    return $"messages.{i}: tool_use ids were found without tool_result blocks immediately after: {string.Join(", ", pendingToolUses)}";
                previousRole = role;
                continue;
            }
            if (content is not JsonArray blocks || blocks.Count == 0)
                return $"messages.{i}.content: Input should be a non-empty string or list of blocks";

            var answered = new HashSet<string>();
            var sawOther = false;
            var toolUses = new HashSet<string>();
            for (var j = 0; j < blocks.Count; j++)
            {
                if (blocks[j] is not JsonObject block)
                    return $"messages.{i}.content.{j}: Input should be an object";
                var type = block["type"]?.GetValue<string>();
                if (block["cache_control"] is { } cache && (cache as JsonObject)?["type"]?.GetValue<string>() != "ephemeral")
                    return $"messages.{i}.content.{j}.cache_control: type must be \"ephemeral\"";
                switch (type)
                {
                    case "text":
                        if (string.IsNullOrEmpty(block["text"]?.GetValue<string>()))
                            return $"messages.{i}.content.{j}: text content blocks must be non-empty";
                        sawOther = true;
                        break;
                    case "image" or "document" when role == "user":
                        if (SourceProblem(block["source"], type) is { } problem)
                            return $"messages.{i}.content.{j}.source: {problem}";
                        sawOther = true;
                        break;
                    case "tool_use" when role == "assistant":
                        if (block["id"]?.GetValue<string>() is not { } id || !ToolUseId().IsMatch(id) || block["name"]?.GetValue<string>() is null
                            || block["input"] is not JsonObject)
                            return $"messages.{i}.content.{j}: tool_use needs an id, a name and an input object";
                        toolUses.Add(id);
                        break;
                    case "thinking" when role == "assistant":
                        if (block["thinking"] is null || block["signature"] is null)
                            return $"messages.{i}.content.{j}: thinking blocks need thinking and signature";
                        break;
                    case "tool_result" when role == "user":
                        if (sawOther)
                            return $"messages.{i}: tool_result blocks must come first in the content, before any other block";
                        var answers = block["tool_use_id"]?.GetValue<string>();
                        if (answers is null || !pendingToolUses.Contains(answers))
                            return $"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` blocks: {answers}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
                        if (block["content"] is JsonArray resultBlocks && resultBlocks.Any(b => (b as JsonObject)?["type"]?.GetValue<string>() is not ("text" or "image")))
                            return $"messages.{i}.content.{j}.content: only text and image blocks may be tool results";
                        answered.Add(answers);
                        break;
                    default:
                        return $"messages.{i}.content.{j}.type: a {role} message cannot hold a \"{type}\" block";
                }
            }
            if (pendingToolUses.Count > 0 && !pendingToolUses.SetEquals(answered))
                return $"messages.{i}: tool_use ids were found without tool_result blocks immediately after: {string.Join(", ", pendingToolUses.Except(answered))}";
            pendingToolUses = toolUses;
            previousRole = role;
        }
        return null;
    }

    static string? SourceProblem(JsonNode? source, string type)
    {
        if (source is not JsonObject s)
            return "Field required";
        switch (s["type"]?.GetValue<string>())
        {
            case "base64":
                var mediaType = s["media_type"]?.GetValue<string>();
                var allowed = type == "image" ? mediaType is "image/jpeg" or "image/png" or "image/gif" or "image/webp" : mediaType == "application/pdf";
                if (!allowed)
                    return $"media_type {mediaType} is not supported for {type}";
                var data = s["data"]?.GetValue<string>();
                return string.IsNullOrEmpty(data) || !Convert.TryFromBase64String(data, new byte[data.Length], out _) ? "data: invalid base64" : null;
            case "url":
                var url = s["url"]?.GetValue<string>();
                return url is not null && url.StartsWith("https://", StringComparison.Ordinal) ? null : "url: must be an https URL";
            default:
                return "type: Input should be 'base64' or 'url'";
        }
    }

    /// <summary>The content blocks, stop reason and stop sequence this request gets.</summary>
    static (JsonArray Content, string StopReason, string? StopSequence) Reply(JsonObject body, string model)
    {
        var messages = body["messages"]!.AsArray();
        var last = messages[^1]!.AsObject();
        var toolResults = last["role"]!.GetValue<string>() == "user" && last["content"] is JsonArray blocks
            ? blocks.Where(b => b!["type"]!.GetValue<string>() == "tool_result").ToList()
            : [];
        var tools = body["tools"] as JsonArray;
        var choice = body["tool_choice"] as JsonObject;
        var choiceType = choice?["type"]?.GetValue<string>();

        if (choiceType == "tool")
        {
            var name = choice!["name"]!.GetValue<string>();
            return ([ToolUse("toolu_01Forced", name, name == "json_tool_call"
                ? new JsonObject { ["city"] = "Paris", ["temperature_c"] = 21 }
                : new JsonObject { ["city"] = "Paris" })], "tool_use", null);
        }
        if (toolResults.Count > 0)
        {
            var said = string.Join(" | ", toolResults.Select(ResultText));
            return ([Text($"Tool said: {said}")], "end_turn", null);
        }
        if (tools is { Count: > 0 } && choiceType != "none")
        {
            var name = tools[0]!["name"]!.GetValue<string>();
            var call = ToolUse("toolu_01FakeCall", name, new JsonObject { ["city"] = "Paris", ["unit"] = "celsius" });
            return (choiceType == "any" ? [call] : [Text("Let me check."), call], "tool_use", null);
        }

        var content = new JsonArray();
        if (model == "claude-thinking")
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = Thinking, ["signature"] = "sig-fake-abc" });
        content.Add(Text(Greeting));
        if (model == "claude-max-tokens")
            return (content, "max_tokens", null);
        if (body["stop_sequences"] is JsonArray { Count: > 0 } stops)
            return (content, "stop_sequence", stops[0]!.GetValue<string>());
        return (content, "end_turn", null);
    }

    static string ResultText(JsonNode? result) => result!["content"] switch
    {
        JsonValue text => text.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Where(p => p!["type"]!.GetValue<string>() == "text").Select(p => p!["text"]!.GetValue<string>())),
        _ => "",
    };

    static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    static JsonObject ToolUse(string id, string name, JsonObject input) =>
        new() { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = input };

    static JsonObject Usage(int outputTokens) => new()
    {
        ["input_tokens"] = InputTokens, ["cache_creation_input_tokens"] = CacheCreationTokens,
        ["cache_read_input_tokens"] = CacheReadTokens, ["output_tokens"] = outputTokens,
    };

    /// <summary>The documented event sequence, each event named in its <c>event:</c> line as the API does.</summary>
    static async Task Stream(HttpContext context, string model, JsonArray content, string stopReason, string? stopSequence)
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        await Event(context, "message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_01FakeAnthropic", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                ["content"] = new JsonArray(), ["stop_reason"] = null, ["stop_sequence"] = null, ["usage"] = Usage(1),
            },
        });

        for (var index = 0; index < content.Count; index++)
        {
            var block = content[index]!.AsObject();
            var type = block["type"]!.GetValue<string>();
            JsonObject start = type switch
            {
                "text" => new JsonObject { ["type"] = "text", ["text"] = "" },
                "thinking" => new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" },
                _ => new JsonObject { ["type"] = "tool_use", ["id"] = block["id"]!.DeepClone(), ["name"] = block["name"]!.DeepClone(), ["input"] = new JsonObject() },
            };
            await Event(context, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = start });
            if (index == 0)
                await Event(context, "ping", new JsonObject { ["type"] = "ping" });

            var deltas = type switch
            {
                "text" => Pieces(block["text"]!.GetValue<string>()).Select(p => new JsonObject { ["type"] = "text_delta", ["text"] = p }),
                "thinking" => Pieces(block["thinking"]!.GetValue<string>()).Select(p => new JsonObject { ["type"] = "thinking_delta", ["thinking"] = p })
                    .Append(new JsonObject { ["type"] = "signature_delta", ["signature"] = block["signature"]!.DeepClone() }),
                _ => JsonPieces(block["input"]!.ToJsonString()).Select(p => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = p }),
            };
            var sent = 0;
            foreach (var delta in deltas)
            {
                await Event(context, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta });
                if (++sent == 1 && model == "claude-error-mid-stream")
                {
                    await Event(context, "error", new JsonObject
                    {
                        ["type"] = "error", ["error"] = new JsonObject { ["type"] = "overloaded_error", ["message"] = "Overloaded" },
                    });
                    return;
                }
                if (sent == 1 && model == "claude-cut-mid-stream")
                {
                    await Task.Delay(200); // let the flushed events leave the socket: an abort discards unsent output
                    context.Abort();
                    return;
                }
            }
            await Event(context, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index });
        }

        await Event(context, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = stopSequence },
            ["usage"] = new JsonObject { ["output_tokens"] = OutputTokens },
        });
        await Event(context, "message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    /// <summary>Text in pieces of a word or two, as the API streams it.</summary>
    static IEnumerable<string> Pieces(string text)
    {
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
            yield return i == 0 ? words[i] : " " + words[i];
    }

    /// <summary>Tool input in three pieces, starting with the empty one the API sends first.</summary>
    static IEnumerable<string> JsonPieces(string json)
    {
        yield return "";
        var cut = json.Length / 2;
        yield return json[..cut];
        yield return json[cut..];
    }

    static async Task Event(HttpContext context, string name, JsonObject data)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n");
        await context.Response.Body.FlushAsync();
    }

    static Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["request-id"] = "req_fake";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    static Task Error(HttpContext context, int status, string type, string message) =>
        Json(context, status, new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
            ["request_id"] = "req_fake",
        });

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolName();

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex ToolUseId();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
