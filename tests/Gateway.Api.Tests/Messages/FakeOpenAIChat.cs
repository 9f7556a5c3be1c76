using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Messages;

/// <summary>
/// A real HTTP server on 127.0.0.1 speaking OpenAI's chat completions with tools, for what <c>/v1/messages</c> sends to
/// providers that are not Anthropic. It refuses what OpenAI refuses (400 <c>invalid_request_error</c>): unknown request
/// arguments, roles it does not know, a <c>tool</c> message that answers no preceding tool call, an assistant's tool
/// calls left unanswered, tool-call arguments that are not a string, malformed content parts, tools and tool choices,
/// and <c>stream_options</c> without <c>stream</c>.
/// <para>
/// Offered tools get a call (<c>call_fake_1</c>, <c>{"city":"Paris"}</c>); tool results since the last assistant turn are
/// answered in text quoting them; otherwise a greeting. Model <c>gpt-reasoner</c> also reasons (<c>reasoning_content</c>, as DeepSeek
/// and LiteLLM send it). Usage: 40 prompt tokens of which 10 cached, 8 completion tokens.
/// </para>
/// </summary>
public sealed class FakeOpenAIChat : IAsyncDisposable
{
    public const string ApiKey = "sk-openai-fake";
    public const string Greeting = "Hello from fake OpenAI!";
    public const string Reasoning = "Thinking it over.";
    public const int PromptTokens = 40, CachedTokens = 10, CompletionTokens = 8;

    static readonly string[] Arguments =
    [
        "model", "messages", "max_tokens", "max_completion_tokens", "stream", "stream_options", "temperature", "top_p", "stop",
        "user", "tools", "tool_choice", "parallel_tool_calls", "n", "seed", "response_format", "reasoning_effort",
    ];

    readonly WebApplication _app;

    public sealed record Received(string Path, JsonObject Body, IReadOnlyDictionary<string, string> Headers);

    public ConcurrentQueue<Received> Requests { get; } = new();

    FakeOpenAIChat(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1");

    public static async Task<FakeOpenAIChat> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeOpenAIChat(app);
        app.MapPost("/v1/chat/completions", fake.Handle);
        await app.StartAsync();
        return fake;
    }

    async Task Handle(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        Requests.Enqueue(new Received(context.Request.Path, body, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {ApiKey}")
        {
            await Error(context, 401, "Incorrect API key provided.", "invalid_request_error");
            return;
        }
        if (Problem(body) is { } problem)
        {
            await Error(context, 400, problem, "invalid_request_error");
            return;
        }

        var model = body["model"]!.GetValue<string>();
        var messages = body["messages"]!.AsArray();
        var tools = body["tools"] as JsonArray;
        var choice = body["tool_choice"]?.GetValueKind() == JsonValueKind.String ? body["tool_choice"]!.GetValue<string>() : null;

        string? content;
        JsonObject? call = null;
        var results = messages.Reverse().TakeWhile(m => m!["role"]!.GetValue<string>() != "assistant")
            .Where(m => m!["role"]!.GetValue<string>() == "tool").Reverse().ToList();
        if (results.Count > 0)
        {
            content = "Tool said: " + string.Join(" | ", results.Select(m => m!["content"]!.GetValue<string>()));
        }
        else if (tools is { Count: > 0 } && choice != "none")
        {
            content = choice == "required" ? null : "Let me look.";
            call = new JsonObject
            {
                ["id"] = "call_fake_1", ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = tools[0]!["function"]!["name"]!.DeepClone(), ["arguments"] = """{"city":"Paris"}""" },
            };
        }
        else
        {
            content = Greeting;
        }
        var reasoning = model == "gpt-reasoner" ? Reasoning : null;
        var finish = call is null ? "stop" : "tool_calls";

        if (body["stream"]?.GetValue<bool>() == true)
        {
            await Stream(context, model, reasoning, content, call, finish, body["stream_options"]?["include_usage"]?.GetValue<bool>() == true);
            return;
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (reasoning is not null)
            message["reasoning_content"] = reasoning;
        if (call is not null)
            message["tool_calls"] = new JsonArray(call);
        await Json(context, 200, new JsonObject
        {
            ["id"] = "chatcmpl-fake", ["object"] = "chat.completion", ["created"] = 1700000000, ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finish }),
            ["usage"] = Usage(),
        });
    }

    static string? Problem(JsonObject body)
    {
        foreach (var (name, _) in body)
            if (!Arguments.Contains(name))
                return $"Unrecognized request argument supplied: {name}";
        if (body["model"]?.GetValueKind() != JsonValueKind.String)
            return "you must provide a model parameter";
        if (body.ContainsKey("stream_options") && body["stream"]?.GetValue<bool>() != true)
            return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
        if (body["max_tokens"] is { } max && (max.GetValueKind() != JsonValueKind.Number || max.GetValue<int>() < 1))
            return "Invalid 'max_tokens': expected a positive integer";

        var toolNames = new HashSet<string>();
        if (body["tools"] is { } tools)
        {
            if (tools is not JsonArray list || list.Count == 0)
                return "Invalid 'tools': empty array. Expected an array with minimum length 1";
            foreach (var tool in list)
            {
                if (tool?["type"]?.GetValue<string>() != "function" || tool["function"]?["name"]?.GetValue<string>() is not { } name)
                    return "Invalid 'tools': each tool needs type \"function\" and a function name";
                if (tool["function"]!["parameters"] is { } parameters && parameters is not JsonObject)
                    return "Invalid 'tools.function.parameters': expected an object";
                toolNames.Add(name);
            }
        }
        if (body["tool_choice"] is { } choice)
        {
            if (toolNames.Count == 0)
                return "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.";
            var ok = choice.GetValueKind() == JsonValueKind.String
                ? choice.GetValue<string>() is "auto" or "none" or "required"
                : choice["type"]?.GetValue<string>() == "function" && toolNames.Contains(choice["function"]?["name"]?.GetValue<string>() ?? "");
            if (!ok)
                return "Invalid value for 'tool_choice'";
        }
        if (body["parallel_tool_calls"] is { } parallel && parallel.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            return "Invalid 'parallel_tool_calls': expected a boolean";
        if (body["stop"] is JsonArray stops && stops.Count > 4)
            return "Invalid 'stop': at most 4 stop sequences";

        if (body["messages"] is not JsonArray messages || messages.Count == 0)
            return "Invalid 'messages': empty array. Expected an array with minimum length 1";
        var unanswered = new HashSet<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] as JsonObject;
            var role = message?["role"]?.GetValue<string>();
            if (role != "tool" && unanswered.Count > 0)
                return $"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: {string.Join(", ", unanswered)}";
            switch (role)
            {
                case "system" or "developer" or "user":
                    if (ContentProblem(message!["content"], role == "user") is { } problem)
                        return $"Invalid 'messages[{i}].content': {problem}";
                    break;
                case "assistant":
                    var calls = message!["tool_calls"] as JsonArray;
                    if (message["content"] is null && calls is null)
                        return $"Invalid 'messages[{i}]': an assistant message needs content or tool_calls";
                    foreach (var call in calls ?? [])
                    {
                        if (call?["id"]?.GetValue<string>() is not { } id || call["type"]?.GetValue<string>() != "function"
                            || call["function"]?["name"]?.GetValueKind() != JsonValueKind.String
                            || call["function"]?["arguments"]?.GetValueKind() != JsonValueKind.String)
                            return $"Invalid 'messages[{i}].tool_calls': each needs an id, type \"function\", a name and arguments as a string";
                        unanswered.Add(id);
                    }
                    break;
                case "tool":
                    var answers = message!["tool_call_id"]?.GetValue<string>();
                    if (answers is null || !unanswered.Remove(answers))
                        return $"Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
                    if (message["content"]?.GetValueKind() != JsonValueKind.String)
                        return $"Invalid 'messages[{i}].content': expected a string";
                    break;
                default:
                    return $"Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.";
            }
        }
        return unanswered.Count > 0 ? "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'." : null;
    }

    static string? ContentProblem(JsonNode? content, bool user)
    {
        if (content?.GetValueKind() == JsonValueKind.String)
            return null;
        if (content is not JsonArray parts || parts.Count == 0)
            return "expected a string or a non-empty array of parts";
        foreach (var part in parts)
        {
            var ok = part?["type"]?.GetValue<string>() switch
            {
                "text" => part["text"]?.GetValueKind() == JsonValueKind.String,
                "image_url" when user => part["image_url"]?["url"]?.GetValue<string>() is { } url
                    && (url.StartsWith("https://", StringComparison.Ordinal) || url.StartsWith("data:image/", StringComparison.Ordinal)),
                "file" when user => part["file"]?["file_data"]?.GetValue<string>()?.StartsWith("data:", StringComparison.Ordinal) == true,
                _ => false,
            };
            if (!ok)
                return $"invalid content part {part?.ToJsonString()}";
        }
        return null;
    }

    static JsonObject Usage() => new()
    {
        ["prompt_tokens"] = PromptTokens, ["completion_tokens"] = CompletionTokens, ["total_tokens"] = PromptTokens + CompletionTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = CachedTokens },
    };

    static async Task Stream(HttpContext context, string model, string? reasoning, string? content, JsonObject? call, string finish, bool includeUsage)
    {
        context.Response.ContentType = "text/event-stream";
        async Task Chunk(JsonObject delta, string? finishReason = null)
        {
            var chunk = new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
            };
            if (includeUsage)
                chunk["usage"] = null;
            await Sse(context, chunk.ToJsonString());
        }

        await Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" });
        if (reasoning is not null)
            foreach (var piece in Pieces(reasoning))
                await Chunk(new JsonObject { ["reasoning_content"] = piece });
        if (content is not null)
            foreach (var piece in Pieces(content))
                await Chunk(new JsonObject { ["content"] = piece });
        if (call is not null)
        {
            var arguments = call["function"]!["arguments"]!.GetValue<string>();
            await Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["id"] = call["id"]!.DeepClone(), ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call["function"]!["name"]!.DeepClone(), ["arguments"] = "" },
                }),
            });
            foreach (var piece in new[] { arguments[..6], arguments[6..] })
                await Chunk(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = piece } }) });
        }
        await Chunk(new JsonObject(), finish);
        if (includeUsage)
        {
            await Sse(context, new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(), ["usage"] = Usage(),
            }.ToJsonString());
        }
        await Sse(context, "[DONE]");
    }

    static IEnumerable<string> Pieces(string text)
    {
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
            yield return i == 0 ? words[i] : " " + words[i];
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

    static Task Error(HttpContext context, int status, string message, string type) =>
        Json(context, status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = null } });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
