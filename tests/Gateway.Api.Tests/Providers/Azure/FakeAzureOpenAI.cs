using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Providers.Azure;

/// <summary>
/// A real HTTP server on 127.0.0.1 shaped like an Azure OpenAI resource (REST reference, data plane 2024-10-21 and the
/// v1 API): <c>POST /openai/deployments/{deployment}/chat/completions|completions|embeddings?api-version=…</c> and
/// <c>POST /openai/v1/chat/completions|embeddings</c> with the deployment as <c>model</c>. It rejects what Azure rejects:
/// a missing api-version (404 "Resource not found"), a wrong key or token (401), an unknown deployment (404
/// DeploymentNotFound), <c>stream_options</c> on versions before 2024-09-01, a body without messages (400). Answers carry
/// Azure's extras: <c>prompt_filter_results</c>, per-choice <c>content_filter_results</c>, and in streams a first chunk with
/// no choices and annotation-only chunks. Deployments: any name in <see cref="Deployments"/>; <c>filtered</c> (400
/// content filter), <c>filtered-output</c> (finish_reason content_filter), <c>throttled</c> (429, retry-after 6).
/// Offered tools (unless <c>tool_choice</c> is <c>none</c>) get a call of the first one; tool results since the last
/// assistant turn are answered in text quoting them. Like OpenAI, it refuses a <c>tool</c> message that answers no
/// preceding tool call, tool calls left unanswered, and tool-call arguments that are not a string.
/// </summary>
public sealed class FakeAzureOpenAI : IAsyncDisposable
{
    public const string Key = "azure-key-0123456789abcdef";
    public const string AdToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test";

    static readonly string[] Deployments = ["gpt-4o-eu", "gpt-35-legacy", "text-embedding-3-small-eu", "filtered", "filtered-output", "throttled"];

    readonly WebApplication _app;

    public sealed record Received(string Path, string? ApiVersion, JsonObject Body, IReadOnlyDictionary<string, string> Headers);

    public ConcurrentQueue<Received> Requests { get; } = new();

    FakeAzureOpenAI(WebApplication app) => _app = app;

    /// <summary>The resource endpoint as Azure's portal shows it, e.g. <c>https://my-resource.openai.azure.com/</c>.</summary>
    public Uri Endpoint => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    public static async Task<FakeAzureOpenAI> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeAzureOpenAI(app);
        app.MapPost("/openai/deployments/{deployment}/{*operation}", (HttpContext c, string deployment, string operation) => fake.Handle(c, deployment, operation, v1: false));
        app.MapPost("/openai/v1/{*operation}", (HttpContext c, string operation) => fake.Handle(c, null, operation, v1: true));
        app.MapFallback(c => Error(c, 404, "404", "Resource not found"));
        await app.StartAsync();
        return fake;
    }

    async Task Handle(HttpContext context, string? deployment, string operation, bool v1)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))?.AsObject() ?? [];
        var apiVersion = context.Request.Query["api-version"].FirstOrDefault();
        Requests.Enqueue(new Received(context.Request.Path, apiVersion, body,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));

        // The dated API needs an api-version; the v1 API takes none, or "preview" for preview features.
        if (v1 ? apiVersion is not (null or "preview") : string.IsNullOrEmpty(apiVersion))
        {
            await Error(context, 404, "404", "Resource not found");
            return;
        }
        if (!Authorised(context.Request.Headers))
        {
            await Error(context, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
            return;
        }

        deployment ??= body["model"]?.GetValue<string>();
        if (deployment is null || !Deployments.Contains(deployment))
        {
            await Error(context, 404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.");
            return;
        }

        switch (operation)
        {
            case "embeddings":
                await Embeddings(context, body, deployment);
                return;
            case "chat/completions":
                await Chat(context, body, deployment, apiVersion);
                return;
            default:
                await Error(context, 404, "404", "Resource not found");
                return;
        }
    }

    static bool Authorised(IHeaderDictionary headers) =>
        headers["api-key"].ToString() == Key || headers.Authorization.ToString() == $"Bearer {AdToken}";

    static async Task Embeddings(HttpContext context, JsonObject body, string deployment)
    {
        if (body["input"] is null)
        {
            await Error(context, 400, null, "'input' is a required property", "invalid_request_error");
            return;
        }
        await Json(context, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject { ["object"] = "embedding", ["index"] = 0, ["embedding"] = new JsonArray(0.0023, -0.0091, 0.0154) }),
            ["model"] = "text-embedding-3-small",
            ["usage"] = new JsonObject { ["prompt_tokens"] = 8, ["total_tokens"] = 8 },
        });
    }

    static async Task Chat(HttpContext context, JsonObject body, string deployment, string? apiVersion)
    {
        if (body["messages"] is not JsonArray { Count: > 0 } messages || messages.Any(m => m?["role"] is null))
        {
            await Error(context, 400, null, "'messages' is a required property", "invalid_request_error");
            return;
        }
        if (ToolProblem(body) is { } toolProblem)
        {
            await Error(context, 400, null, toolProblem, "invalid_request_error");
            return;
        }
        var stream = body["stream"]?.GetValue<bool>() ?? false;
        if (body["stream_options"] is not null && (!stream || (apiVersion is not null && apiVersion != "preview" && string.CompareOrdinal(apiVersion, "2024-09-01") < 0)))
        {
            await Error(context, 400, null, "Unrecognized request argument supplied: stream_options", "invalid_request_error");
            return;
        }

        switch (deployment)
        {
            case "filtered":
                context.Response.StatusCode = 400;
                await Json(context, JsonNode.Parse("""
                    {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766","type":null,"param":"prompt","code":"content_filter","status":400,
                      "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"}}}}}
                    """)!);
                return;
            case "throttled":
                context.Response.Headers.RetryAfter = "6";
                await Error(context, 429, "429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds.");
                return;
        }

        var (text, call) = Reply(body);
        var finish = deployment == "filtered-output" ? "content_filter" : call is null ? "stop" : "tool_calls";
        if (!stream)
        {
            var message = new JsonObject { ["content"] = finish == "content_filter" ? null : text, ["refusal"] = null, ["role"] = "assistant" };
            if (call is not null)
                message["tool_calls"] = new JsonArray(call.DeepClone());
            await Json(context, new JsonObject
            {
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["content_filter_results"] = call is null ? SafeResults() : new JsonObject(),
                    ["finish_reason"] = finish, ["index"] = 0, ["logprobs"] = null,
                    ["message"] = message,
                }),
                ["created"] = 1731000000, ["id"] = "chatcmpl-AzureFake", ["model"] = "gpt-4o-2024-08-06", ["object"] = "chat.completion",
                ["prompt_filter_results"] = PromptFilterResults(),
                ["system_fingerprint"] = "fp_04751d0b65",
                ["usage"] = Usage(),
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        // Azure's first event: no choices, only the prompt's filter results.
        await Sse(context, new JsonObject
        {
            ["choices"] = new JsonArray(), ["created"] = 0, ["id"] = "", ["model"] = "", ["object"] = "",
            ["prompt_filter_results"] = PromptFilterResults(),
        });
        if (call is not null)
        {
            // A tool call streams as OpenAI's does: the id and name first with empty arguments, then the arguments in pieces.
            var arguments = call["function"]!["arguments"]!.GetValue<string>();
            await Sse(context, Chunk(new JsonObject
            {
                ["content_filter_results"] = new JsonObject(),
                ["delta"] = new JsonObject
                {
                    ["content"] = null, ["refusal"] = null, ["role"] = "assistant",
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["function"] = new JsonObject { ["arguments"] = "", ["name"] = call["function"]!["name"]!.DeepClone() },
                        ["id"] = call["id"]!.DeepClone(), ["index"] = 0, ["type"] = "function",
                    }),
                },
                ["finish_reason"] = null, ["index"] = 0, ["logprobs"] = null,
            }));
            foreach (var piece in new[] { arguments[..5], arguments[5..] })
                await Sse(context, Chunk(new JsonObject
                {
                    ["content_filter_results"] = new JsonObject(),
                    ["delta"] = new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["function"] = new JsonObject { ["arguments"] = piece }, ["index"] = 0 }) },
                    ["finish_reason"] = null, ["index"] = 0, ["logprobs"] = null,
                }));
        }
        else
        {
            var pieces = finish == "stop" ? Pieces(text!) : [""];
            for (var i = 0; i < pieces.Length; i++)
            {
                var delta = i == 0 ? new JsonObject { ["content"] = pieces[i], ["refusal"] = null, ["role"] = "assistant" } : new JsonObject { ["content"] = pieces[i] };
                await Sse(context, Chunk(new JsonObject { ["content_filter_results"] = i == 0 ? new JsonObject() : SafeResults(), ["delta"] = delta, ["finish_reason"] = null, ["index"] = 0, ["logprobs"] = null }));
            }
        }
        await Sse(context, Chunk(new JsonObject { ["content_filter_results"] = new JsonObject(), ["delta"] = new JsonObject(), ["finish_reason"] = finish, ["index"] = 0, ["logprobs"] = null }));
        // An asynchronous-filter annotation after the end: filter results and offsets, no delta.
        await Sse(context, new JsonObject
        {
            ["choices"] = new JsonArray(new JsonObject
            {
                ["content_filter_offsets"] = new JsonObject { ["check_offset"] = 0, ["start_offset"] = 0, ["end_offset"] = 17 },
                ["content_filter_results"] = SafeResults(), ["finish_reason"] = null, ["index"] = 0,
            }),
            ["created"] = 0, ["id"] = "", ["model"] = "", ["object"] = "", ["usage"] = null,
        });
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            await Sse(context, new JsonObject
            {
                ["choices"] = new JsonArray(), ["created"] = 1731000000, ["id"] = "chatcmpl-AzureFake", ["model"] = "gpt-4o-2024-08-06",
                ["object"] = "chat.completion.chunk", ["system_fingerprint"] = "fp_04751d0b65", ["usage"] = Usage(),
            });
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    /// <summary>The text, or the tool call, this conversation gets.</summary>
    static (string? Text, JsonObject? Call) Reply(JsonObject body)
    {
        var messages = body["messages"]!.AsArray();
        var results = messages.Reverse().TakeWhile(m => m!["role"]!.GetValue<string>() != "assistant")
            .Where(m => m!["role"]!.GetValue<string>() == "tool").Reverse().ToList();
        if (results.Count > 0)
            return ("The tool said: " + string.Join(" | ", results.Select(m => m!["content"]!.GetValue<string>())), null);
        var choice = body["tool_choice"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body["tool_choice"]!.GetValue<string>() : null;
        if (body["tools"] is JsonArray { Count: > 0 } tools && choice != "none")
            return (null, new JsonObject // content is null beside tool calls, as OpenAI sends it
            {
                ["function"] = new JsonObject { ["arguments"] = """{"location":"Paris, FR"}""", ["name"] = tools[0]!["function"]!["name"]!.DeepClone() },
                ["id"] = "call_AzureFake0001", ["type"] = "function",
            });
        return ("Hello from Azure!", null);
    }

    /// <summary>What Azure (as OpenAI) refuses in tools and tool turns; null when they are well formed.</summary>
    static string? ToolProblem(JsonObject body)
    {
        if (body["tools"] is { } tools && (tools is not JsonArray list || list.Any(t => t?["type"]?.GetValue<string>() != "function" || t["function"]?["name"] is null)))
            return "Invalid 'tools': each tool needs type \"function\" and a function name";
        var unanswered = new HashSet<string>();
        var messages = body["messages"]!.AsArray();
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i]!["role"]!.GetValue<string>();
            if (role != "tool" && unanswered.Count > 0)
                return $"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: {string.Join(", ", unanswered)}";
            if (role == "assistant")
            {
                foreach (var call in messages[i]!["tool_calls"] as JsonArray ?? [])
                {
                    if (call?["id"]?.GetValue<string>() is not { } id || call["type"]?.GetValue<string>() != "function"
                        || call["function"]?["arguments"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
                        return $"Invalid 'messages[{i}].tool_calls': each needs an id, type \"function\", a name and arguments as a string";
                    unanswered.Add(id);
                }
            }
            else if (role == "tool" && (messages[i]!["tool_call_id"]?.GetValue<string>() is not { } answers || !unanswered.Remove(answers)))
            {
                return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
            }
        }
        return unanswered.Count > 0 ? "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'." : null;
    }

    /// <summary>Text as Azure streams it: an empty first piece, then a word at a time.</summary>
    static string[] Pieces(string text) => ["", .. text.Split(' ').Select((w, i) => i == 0 ? w : " " + w)];

    static JsonObject Chunk(JsonObject choice) => new()
    {
        ["choices"] = new JsonArray(choice), ["created"] = 1731000000, ["id"] = "chatcmpl-AzureFake",
        ["model"] = "gpt-4o-2024-08-06", ["object"] = "chat.completion.chunk", ["system_fingerprint"] = "fp_04751d0b65",
    };

    static JsonObject Usage() => new()
    {
        ["completion_tokens"] = 5, ["prompt_tokens"] = 21, ["total_tokens"] = 26,
        ["completion_tokens_details"] = new JsonObject { ["accepted_prediction_tokens"] = 0, ["audio_tokens"] = 0, ["reasoning_tokens"] = 0, ["rejected_prediction_tokens"] = 0 },
        ["prompt_tokens_details"] = new JsonObject { ["audio_tokens"] = 0, ["cached_tokens"] = 16 },
    };

    static JsonObject SafeResults() => new()
    {
        ["hate"] = new JsonObject { ["filtered"] = false, ["severity"] = "safe" },
        ["self_harm"] = new JsonObject { ["filtered"] = false, ["severity"] = "safe" },
        ["sexual"] = new JsonObject { ["filtered"] = false, ["severity"] = "safe" },
        ["violence"] = new JsonObject { ["filtered"] = false, ["severity"] = "safe" },
    };

    static JsonArray PromptFilterResults() => new(new JsonObject
    {
        ["prompt_index"] = 0,
        ["content_filter_results"] = SafeResults(),
    });

    static async Task Sse(HttpContext context, JsonNode data)
    {
        await context.Response.WriteAsync($"data: {data.ToJsonString()}\n\n");
        await context.Response.Body.FlushAsync();
    }

    static Task Json(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    static Task Error(HttpContext context, int status, string? code, string message, string? type = null)
    {
        context.Response.StatusCode = status;
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (type is not null)
        {
            error["type"] = type;
            error["param"] = null;
        }
        return Json(context, new JsonObject { ["error"] = error });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
