using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Api.Tests.Messages;
using Gateway.Domain.Spend;
using static Gateway.Api.Tests.Providers.EveryProviderGateway;

namespace Gateway.Api.Tests.Providers;

/// <summary>
/// Issue 4's "done when": one config.yaml with a deployment of every provider answers chat with tools — JSON and
/// streamed, through <c>/v1/chat/completions</c> and <c>/v1/messages</c> — each turn charged the usage it reports at
/// the deployment's prices, against fakes that refuse what the real APIs refuse. Each test takes a tool call and then
/// sends the tool's result back for a text answer, as a client does.
/// </summary>
public sealed class EveryProviderTests(EveryProviderGateway gateway) : IClassFixture<EveryProviderGateway>
{
    const string ToolName = "get_current_weather";
    const string ToolResult = "22 degrees and sunny";
    const string SystemPrompt = "You answer questions about the weather.";
    const string Question = "What is the weather like in Paris?";

    /// <summary>The model groups of the deployments that call tools: every provider but the mock.</summary>
    public static TheoryData<string> ToolCallers => new(Deployments.Keys);

    IAlbaHost Host => gateway.Host;

    static JsonObject OpenAITool() => new()
    {
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = ToolName,
            ["description"] = "Get the current weather for a location",
            ["parameters"] = Schema(),
        },
    };

    static JsonObject AnthropicTool() => new()
    {
        ["name"] = ToolName,
        ["description"] = "Get the current weather for a location",
        ["input_schema"] = Schema(),
    };

    static JsonObject Schema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["location"] = new JsonObject { ["type"] = "string", ["description"] = "The city, e.g. Paris, FR" },
            ["unit"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("celsius", "fahrenheit") },
        },
        ["required"] = new JsonArray("location"),
    };

    static JsonObject ChatRequest(string model, JsonArray messages, bool stream)
    {
        var request = new JsonObject
        {
            ["model"] = model,
            ["messages"] = messages.DeepClone(), // the conversation grows turn by turn; each request gets its own copy
            ["tools"] = new JsonArray(OpenAITool()),
            ["tool_choice"] = "auto",
            ["max_tokens"] = 200,
            ["stream"] = stream,
        };
        if (stream)
            request["stream_options"] = new JsonObject { ["include_usage"] = true };
        return request;
    }

    static JsonArray ChatQuestion() => new(
        new JsonObject { ["role"] = "system", ["content"] = SystemPrompt },
        new JsonObject { ["role"] = "user", ["content"] = Question });

    static JsonObject MessagesRequest(string model, JsonArray messages, bool stream) => new()
    {
        ["model"] = model,
        ["max_tokens"] = 1024,
        ["system"] = SystemPrompt,
        ["tools"] = new JsonArray(AnthropicTool()),
        ["messages"] = messages.DeepClone(), // the conversation grows turn by turn; each request gets its own copy
        ["stream"] = stream,
    };

    static JsonArray MessagesQuestion() => new(new JsonObject { ["role"] = "user", ["content"] = Question });

    /// <summary>The client's call on /v1/chat/completions with the master key; must answer 200.</summary>
    Task<IScenarioResult> Chat(JsonObject body) => Host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl("/v1/chat/completions");
        s.WithMasterKey();
        s.StatusCodeShouldBe(200);
    });

    /// <summary>The call as Anthropic's SDK makes it on /v1/messages: the key in x-api-key, the version header.</summary>
    Task<IScenarioResult> Messages(JsonObject body) => Host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl("/v1/messages");
        s.WithRequestHeader("x-api-key", GatewayTestHost.MasterKey);
        s.WithRequestHeader("anthropic-version", "2023-06-01");
        s.StatusCodeShouldBe(200);
    });

    static async Task<JsonElement> Json(IScenarioResult result)
    {
        Assert.StartsWith("application/json", result.Context.Response.ContentType);
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
    }

    static async Task<string> EventStream(IScenarioResult result)
    {
        Assert.StartsWith("text/event-stream", result.Context.Response.ContentType);
        return await result.ReadAsTextAsync();
    }

    /// <summary>OpenAI's usage object, checked for the fields clients read; in the terms <see cref="Usage"/> prices.</summary>
    static Usage OpenAIUsage(JsonElement usage)
    {
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.Equal(prompt + completion, usage.GetProperty("total_tokens").GetInt32());
        Assert.True(prompt > 0 && completion > 0, $"a call that read a prompt and wrote an answer reports both: {usage}");
        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            && details.TryGetProperty("cached_tokens", out var c) ? c.GetInt32() : 0;
        var reasoning = usage.TryGetProperty("completion_tokens_details", out var output) && output.ValueKind == JsonValueKind.Object
            && output.TryGetProperty("reasoning_tokens", out var r) ? r.GetInt32() : 0;
        var creation = usage.TryGetProperty("cache_creation_input_tokens", out var w) ? w.GetInt32() : 0;
        return new Usage(prompt, completion, cached, creation, reasoning);
    }

    /// <summary>Anthropic's usage object (input tokens leave out cache reads and writes), in OpenAI's terms.</summary>
    static Usage AnthropicUsage(JsonElement usage)
    {
        var input = usage.GetProperty("input_tokens").GetInt32();
        var output = usage.GetProperty("output_tokens").GetInt32();
        var read = usage.TryGetProperty("cache_read_input_tokens", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : 0;
        var creation = usage.TryGetProperty("cache_creation_input_tokens", out var w) && w.ValueKind == JsonValueKind.Number ? w.GetInt32() : 0;
        Assert.True(input + read + creation > 0 && output > 0, $"a call that read a prompt and wrote an answer reports both: {usage}");
        return new Usage(input + read + creation, output, read, creation);
    }

    /// <summary>
    /// The call was charged <paramref name="usage"/> at <paramref name="rates"/>: in x-litellm-response-cost (a JSON answer;
    /// a stream's cost is known only at its end) and on its RequestCompleted event, with the tokens and prices used.
    /// </summary>
    async Task Charged(IScenarioResult result, string provider, Usage usage, Rates rates, bool stream)
    {
        var expected = usage.CostAt(rates);
        Assert.True(expected > 0, "every deployment here is priced");
        if (!stream)
            Assert.Equal(decimal.Round(expected, 12), result.ResponseCost());

        var e = await Recorded(result);
        Assert.Equal((provider, stream, 200, false), (e.Provider, e.Stream, e.Status, e.UsageEstimated));
        Assert.Equal(usage, new Usage(e.PromptTokens, e.CompletionTokens, e.CachedTokens, e.CacheCreationTokens, e.ReasoningTokens));
        Assert.Equal((rates.Input, rates.Output), (e.Prices.InputCostPerToken, e.Prices.OutputCostPerToken));
        Assert.Equal(expected, e.Cost);
    }

    /// <summary>The call's RequestCompleted event, found by the x-litellm-call-id it answered with.</summary>
    async Task<RequestCompleted> Recorded(IScenarioResult result)
    {
        var requestId = Guid.Parse(result.Context.Response.Headers["x-litellm-call-id"].ToString());
        return Assert.Single(await Host.Events<RequestCompleted>(), e => e.RequestId == requestId);
    }

    /// <summary>Tool-call arguments or input: a JSON object that names Paris, as every fake's weather call does.</summary>
    static JsonObject WeatherArguments(JsonNode? input)
    {
        var arguments = Assert.IsType<JsonObject>(input);
        Assert.Contains(arguments, p => p.Value?.ToJsonString().Contains("Paris", StringComparison.Ordinal) == true);
        return arguments;
    }

    [Theory]
    [MemberData(nameof(ToolCallers))]
    public async Task a_tool_call_round_trips_through_chat_completions_and_each_turn_is_charged_at_the_deployments_prices(string provider)
    {
        var deployment = Deployments[provider];
        var messages = ChatQuestion();

        var first = await Chat(ChatRequest(provider, messages, stream: false));
        var completion = await Json(first);
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        var choice = Assert.Single(completion.GetProperty("choices").EnumerateArray());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        var id = call.GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal(ToolName, call.GetProperty("function").GetProperty("name").GetString());
        var arguments = call.GetProperty("function").GetProperty("arguments");
        Assert.Equal(JsonValueKind.String, arguments.ValueKind); // a JSON string, as OpenAI sends it
        WeatherArguments(JsonNode.Parse(arguments.GetString()!));
        var usage = OpenAIUsage(completion.GetProperty("usage"));
        Assert.Equal(deployment.ToolCallUsage, usage);
        await Charged(first, provider, usage, deployment.Rates, stream: false);

        // The client sends the assistant's turn back as it came, and the tool's result under the call's id.
        messages.Add(new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = JsonNode.Parse(message.GetProperty("content").GetRawText()),
            ["tool_calls"] = new JsonArray(JsonNode.Parse(call.GetRawText())),
        });
        messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = id, ["content"] = ToolResult });
        var second = await Chat(ChatRequest(provider, messages, stream: false));
        var answer = await Json(second);
        choice = Assert.Single(answer.GetProperty("choices").EnumerateArray());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0);
        Assert.Contains(ToolResult, choice.GetProperty("message").GetProperty("content").GetString());
        await Charged(second, provider, OpenAIUsage(answer.GetProperty("usage")), deployment.Rates, stream: false);
    }

    [Theory]
    [MemberData(nameof(ToolCallers))]
    public async Task a_streamed_tool_call_reassembles_as_the_openai_client_does_and_ends_with_usage_and_done(string provider)
    {
        var deployment = Deployments[provider];
        var messages = ChatQuestion();

        var first = await Chat(ChatRequest(provider, messages, stream: true));
        var stream = ChatStream.Read(await EventStream(first));
        Assert.Equal("tool_calls", stream.FinishReason);
        var call = Assert.Single(stream.ToolCalls);
        Assert.False(string.IsNullOrEmpty(call.Id));
        Assert.Equal(("function", ToolName), (call.Type, call.Name));
        WeatherArguments(JsonNode.Parse(call.Arguments));
        Assert.NotNull(stream.Usage); // asked for with stream_options.include_usage
        var usage = OpenAIUsage(stream.Usage.Value);
        Assert.Equal(deployment.ToolCallUsage, usage);
        await Charged(first, provider, usage, deployment.Rates, stream: true);

        messages.Add(new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = stream.Content.Length == 0 ? null : stream.Content,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = call.Id, ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
            }),
        });
        messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = call.Id, ["content"] = ToolResult });
        // This time the client does not ask for usage: it gets none, and the call is charged all the same.
        var request = ChatRequest(provider, messages, stream: true);
        request.Remove("stream_options");
        var second = await Chat(request);
        var answer = ChatStream.Read(await EventStream(second));
        Assert.Equal("stop", answer.FinishReason);
        Assert.Empty(answer.ToolCalls);
        Assert.Contains(ToolResult, answer.Content);
        Assert.Null(answer.Usage);
        var recorded = await Recorded(second);
        await Charged(second, provider, new Usage(recorded.PromptTokens, recorded.CompletionTokens, recorded.CachedTokens,
            recorded.CacheCreationTokens, recorded.ReasoningTokens), deployment.Rates, stream: true);
    }

    [Theory]
    [MemberData(nameof(ToolCallers))]
    public async Task a_tool_use_round_trips_through_messages_and_each_turn_is_charged_at_the_deployments_prices(string provider)
    {
        var deployment = Deployments[provider];
        var messages = MessagesQuestion();

        var first = await Messages(MessagesRequest(provider, messages, stream: false));
        var message = await Json(first);
        Assert.Equal(("message", "assistant"), (message.GetProperty("type").GetString(), message.GetProperty("role").GetString()));
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        var content = message.GetProperty("content").EnumerateArray().ToList();
        Assert.All(content.Where(b => b.GetProperty("type").GetString() == "text"), b => Assert.NotEmpty(b.GetProperty("text").GetString()!));
        var toolUse = Assert.Single(content, b => b.GetProperty("type").GetString() == "tool_use");
        var id = toolUse.GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(ToolName, toolUse.GetProperty("name").GetString());
        WeatherArguments(JsonNode.Parse(toolUse.GetProperty("input").GetRawText()));
        var usage = AnthropicUsage(message.GetProperty("usage"));
        Assert.Equal(deployment.ToolCallUsage, usage);
        await Charged(first, provider, usage, deployment.Rates, stream: false);

        // The assistant's content goes back as it came; the result answers the tool_use by its id.
        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = JsonNode.Parse(message.GetProperty("content").GetRawText()) });
        messages.Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = id, ["content"] = ToolResult }),
        });
        var second = await Messages(MessagesRequest(provider, messages, stream: false));
        var answer = await Json(second);
        Assert.Equal("end_turn", answer.GetProperty("stop_reason").GetString());
        var text = string.Concat(answer.GetProperty("content").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));
        Assert.Contains(ToolResult, text);
        Assert.DoesNotContain(answer.GetProperty("content").EnumerateArray(), b => b.GetProperty("type").GetString() == "tool_use");
        await Charged(second, provider, AnthropicUsage(answer.GetProperty("usage")), deployment.Rates, stream: false);
    }

    [Theory]
    [MemberData(nameof(ToolCallers))]
    public async Task a_streamed_tool_use_follows_anthropics_event_sequence_with_usage_in_message_delta(string provider)
    {
        var deployment = Deployments[provider];
        var messages = MessagesQuestion();

        var first = await Messages(MessagesRequest(provider, messages, stream: true));
        var events = AnthropicSse.Events(await EventStream(first));
        var (content, stopReason, usage) = Reassemble(events);
        Assert.Equal("tool_use", stopReason);
        var toolUse = Assert.Single(content, b => b["type"]!.GetValue<string>() == "tool_use");
        var id = toolUse["id"]!.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(ToolName, toolUse["name"]!.GetValue<string>());
        WeatherArguments(toolUse["input"]);
        Assert.Equal(deployment.ToolCallUsage, usage);
        await Charged(first, provider, usage, deployment.Rates, stream: true);

        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray([.. content]) });
        messages.Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = id, ["content"] = ToolResult }),
        });
        var second = await Messages(MessagesRequest(provider, messages, stream: true));
        var (answer, answerStop, answerUsage) = Reassemble(AnthropicSse.Events(await EventStream(second)));
        Assert.Equal("end_turn", answerStop);
        Assert.DoesNotContain(answer, b => b["type"]!.GetValue<string>() == "tool_use");
        Assert.Contains(ToolResult, string.Concat(answer.Where(b => b["type"]!.GetValue<string>() == "text").Select(b => b["text"]!.GetValue<string>())));
        await Charged(second, provider, answerUsage, deployment.Rates, stream: true);
    }

    /// <summary>
    /// The message an Anthropic SDK builds from the events (already checked to be in Anthropic's order): each block from
    /// its <c>content_block_start</c> and deltas (text, and tool input as <c>input_json_delta</c> fragments parsed at the
    /// end), the stop reason from <c>message_delta</c>, usage from <c>message_start</c> updated by <c>message_delta</c>.
    /// </summary>
    static (List<JsonObject> Content, string? StopReason, Usage Usage) Reassemble(IReadOnlyList<AnthropicSse.Event> events)
    {
        var start = events[0].Data.GetProperty("message");
        Assert.Equal(0, start.GetProperty("content").GetArrayLength());
        var usage = JsonNode.Parse(start.GetProperty("usage").GetRawText())!.AsObject();

        var content = new List<JsonObject>();
        var json = new System.Text.StringBuilder();
        foreach (var e in events)
        {
            switch (e.Name)
            {
                case "content_block_start":
                    content.Add(JsonNode.Parse(e.Data.GetProperty("content_block").GetRawText())!.AsObject());
                    json.Clear();
                    break;
                case "content_block_delta":
                    var delta = e.Data.GetProperty("delta");
                    var block = content[^1];
                    switch (delta.GetProperty("type").GetString())
                    {
                        case "text_delta":
                            block["text"] = block["text"]!.GetValue<string>() + delta.GetProperty("text").GetString();
                            break;
                        case "input_json_delta":
                            json.Append(delta.GetProperty("partial_json").GetString());
                            break;
                        case "thinking_delta" or "signature_delta":
                            break;
                        case var other:
                            Assert.Fail($"unexpected delta {other}");
                            break;
                    }
                    break;
                case "content_block_stop" when content[^1]["type"]!.GetValue<string>() == "tool_use":
                    Assert.Equal("{}", content[^1]["input"]!.ToJsonString()); // the input arrives in deltas
                    content[^1]["input"] = json.Length == 0 ? new JsonObject() : JsonNode.Parse(json.ToString());
                    break;
            }
        }

        var messageDelta = events[^2].Data;
        Assert.Equal(JsonValueKind.Number, messageDelta.GetProperty("usage").GetProperty("output_tokens").ValueKind); // the final count comes here
        foreach (var (name, value) in messageDelta.GetProperty("usage").EnumerateObject().Select(p => (p.Name, p.Value)))
            if (value.ValueKind != JsonValueKind.Null)
                usage[name] = JsonNode.Parse(value.GetRawText());
        Assert.All(content.Where(b => b["type"]!.GetValue<string>() == "text"), b => Assert.NotEmpty(b["text"]!.GetValue<string>()));
        var stopReason = messageDelta.GetProperty("delta").GetProperty("stop_reason").GetString();
        return (content, stopReason, AnthropicUsage(JsonDocument.Parse(usage.ToJsonString()).RootElement));
    }

    [Fact]
    public async Task the_mock_calls_no_tools_but_answers_every_route_in_text_charged_at_its_sheet_prices()
    {
        var json = await Chat(ChatRequest("mock", ChatQuestion(), stream: false));
        var completion = await Json(json);
        var choice = Assert.Single(completion.GetProperty("choices").EnumerateArray());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Contains(Question, choice.GetProperty("message").GetProperty("content").GetString());
        await Charged(json, "mock", OpenAIUsage(completion.GetProperty("usage")), MockRates, stream: false);

        var streamed = await Chat(ChatRequest("mock", ChatQuestion(), stream: true));
        var stream = ChatStream.Read(await EventStream(streamed));
        Assert.Equal(("stop", choice.GetProperty("message").GetProperty("content").GetString()), (stream.FinishReason, stream.Content));
        Assert.NotNull(stream.Usage);
        await Charged(streamed, "mock", OpenAIUsage(stream.Usage.Value), MockRates, stream: true);

        var messaged = await Messages(MessagesRequest("mock", MessagesQuestion(), stream: false));
        var message = await Json(messaged);
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Contains(Question, Assert.Single(message.GetProperty("content").EnumerateArray()).GetProperty("text").GetString());
        await Charged(messaged, "mock", AnthropicUsage(message.GetProperty("usage")), MockRates, stream: false);

        var eventsResult = await Messages(MessagesRequest("mock", MessagesQuestion(), stream: true));
        var (content, stopReason, usage) = Reassemble(AnthropicSse.Events(await EventStream(eventsResult)));
        Assert.Equal("end_turn", stopReason);
        Assert.Contains(Question, Assert.Single(content)["text"]!.GetValue<string>());
        await Charged(eventsResult, "mock", usage, MockRates, stream: true);
    }
}
