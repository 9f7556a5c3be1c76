using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Api.Tests.Providers.Anthropic;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Messages;

/// <summary>
/// <c>/v1/messages</c> in Anthropic's format in front of an Anthropic deployment (sent through natively), an
/// OpenAI-compatible one and the built-in mock (translated both ways), with keys, limits and spend as on the OpenAI
/// endpoints. Both fakes refuse requests their real API would refuse.
/// </summary>
public sealed class MessagesEndpointTests(PostgresFixture postgres) : IAsyncLifetime
{
    FakeAnthropic _anthropic = null!;
    FakeOpenAIChat _openAI = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _anthropic = await FakeAnthropic.StartAsync();
        _openAI = await FakeOpenAIChat.StartAsync();
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: claude
                litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "{{_anthropic.BaseUrl}}", api_key: {{FakeAnthropic.ApiKey}} }
              - model_name: claude-overloaded
                litellm_params: { model: anthropic/claude-overloaded, api_base: "{{_anthropic.BaseUrl}}", api_key: {{FakeAnthropic.ApiKey}} }
              - model_name: gpt
                litellm_params: { model: openai/gpt-4o, api_base: "{{_openAI.BaseUrl}}", api_key: {{FakeOpenAIChat.ApiKey}} }
                model_info: { base_model: gpt-4o }
              - model_name: gpt-reasoner
                litellm_params: { model: openai/gpt-reasoner, api_base: "{{_openAI.BaseUrl}}", api_key: {{FakeOpenAIChat.ApiKey}} }
              - model_name: mock
                litellm_params: { model: mock/mock-gpt }
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _openAI.DisposeAsync();
    }

    const string WeatherTool = """
        {"name": "get_weather", "description": "Current weather for a city",
         "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
        """;

    /// <summary>A call as Anthropic's SDK makes it: the key in x-api-key, the version header, JSON.</summary>
    Task<IScenarioResult> Messages(string json, int status, string? key = GatewayTestHost.MasterKey, string path = "/v1/messages", string? beta = null) =>
        _host.Scenario(s =>
        {
            s.Post.Json(JsonNode.Parse(json)!).ToUrl(path);
            if (key is not null)
                s.WithRequestHeader("x-api-key", key);
            s.WithRequestHeader("anthropic-version", "2023-06-01");
            if (beta is not null)
                s.WithRequestHeader("anthropic-beta", beta);
            s.StatusCodeShouldBe(status);
        });

    async Task<JsonElement> Message(string json, string? key = GatewayTestHost.MasterKey, string path = "/v1/messages") =>
        JsonDocument.Parse(await (await Messages(json, 200, key, path)).ReadAsTextAsync()).RootElement.Clone();

    async Task<IReadOnlyList<AnthropicSse.Event>> Stream(string json)
    {
        var result = await Messages(json, 200);
        Assert.StartsWith("text/event-stream", result.Context.Response.ContentType);
        return AnthropicSse.Events(await result.ReadAsTextAsync());
    }

    /// <summary>Checks Anthropic's error shape and returns the inner error.</summary>
    static async Task<JsonElement> AnthropicError(IScenarioResult result)
    {
        var root = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        var error = root.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        return error.Clone();
    }

    static string Text(JsonElement message) =>
        string.Concat(message.GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));

    [Fact]
    public async Task an_anthropic_deployment_gets_the_body_as_sent_and_the_reply_comes_back_as_it_came_charged_to_the_key()
    {
        var (key, _) = await _host.IssuedKey();
        const string request = """
            {"model": "claude", "max_tokens": 2000, "top_k": 5, "metadata": {"user_id": "u-1"},
             "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
             "thinking": {"type": "enabled", "budget_tokens": 1024},
             "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi", "cache_control": {"type": "ephemeral"}}]}]}
            """;
        var message = await Message(request, key);

        var received = Assert.Single(_anthropic.Requests);
        Assert.Equal("/v1/messages", received.Path);
        Assert.Equal(FakeAnthropic.ApiKey, received.Headers["x-api-key"]); // the deployment's key, never the caller's
        Assert.Equal("2023-06-01", received.Headers["anthropic-version"]);
        var expected = JsonNode.Parse(request)!.AsObject();
        expected["model"] = "claude-sonnet-4-5";
        Assert.True(JsonNode.DeepEquals(expected, received.Body), received.Body.ToJsonString());

        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("msg_01FakeAnthropic", message.GetProperty("id").GetString());
        Assert.Equal(FakeAnthropic.Greeting, Text(message));
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        var usage = message.GetProperty("usage");
        Assert.Equal(FakeAnthropic.InputTokens, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(FakeAnthropic.CacheReadTokens, usage.GetProperty("cache_read_input_tokens").GetInt32());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(Gateway.Domain.Keys.KeyPlaintext.Hash(key), e.KeyHash);
        Assert.Equal((128, FakeAnthropic.OutputTokens, FakeAnthropic.CacheReadTokens, FakeAnthropic.CacheCreationTokens),
            (e.PromptTokens, e.CompletionTokens, e.CachedTokens, e.CacheCreationTokens));
        Assert.False(e.UsageEstimated);
        Assert.True(e.Cost > 0);
    }

    [Fact]
    public async Task anthropic_betas_are_forwarded_and_gateway_only_fields_are_not()
    {
        await Messages("""
            {"model": "claude", "max_tokens": 100, "metadata": {"user_id": "u-1", "tags": ["team-a"]}, "fallbacks": ["gpt"],
             "messages": [{"role": "user", "content": "Hi"}]}
            """, 200, beta: "prompt-caching-2024-07-31");

        var received = Assert.Single(_anthropic.Requests);
        Assert.Equal("prompt-caching-2024-07-31", received.Headers["anthropic-beta"]);
        Assert.False(received.Body.ContainsKey("fallbacks"));
        Assert.Equal("""{"user_id":"u-1"}""", received.Body["metadata"]!.ToJsonString());
    }

    [Fact]
    public async Task a_native_stream_passes_through_event_by_event_and_is_charged()
    {
        var events = await Stream("""{"model": "claude", "max_tokens": 100, "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""");

        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta*", "content_block_stop", "message_delta", "message_stop"],
            AnthropicSse.Shape(events));
        Assert.Equal(FakeAnthropic.Greeting, string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.True(e.Stream);
        Assert.False(e.UsageEstimated);
        Assert.Equal((128, FakeAnthropic.OutputTokens, FakeAnthropic.CacheReadTokens), (e.PromptTokens, e.CompletionTokens, e.CachedTokens));
    }

    [Fact]
    public async Task an_anthropic_error_comes_back_in_anthropic_shape()
    {
        var result = await Messages("""{"model": "claude-overloaded", "max_tokens": 100, "messages": [{"role": "user", "content": "Hi"}]}""", 503);
        Assert.Equal("overloaded_error", (await AnthropicError(result)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task another_provider_gets_an_openai_request_and_the_reply_comes_back_as_an_anthropic_message()
    {
        var message = await Message("""
            {"model": "gpt", "max_tokens": 300, "system": "Be brief.", "temperature": 0.5, "stop_sequences": ["END"],
             "metadata": {"user_id": "u-7"}, "messages": [{"role": "user", "content": [
               {"type": "text", "text": "What is this?"},
               {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]}]}
            """);

        var received = Assert.Single(_openAI.Requests);
        Assert.Equal("/v1/chat/completions", received.Path);
        Assert.Equal($"Bearer {FakeOpenAIChat.ApiKey}", received.Headers["authorization"]);
        var sent = received.Body;
        Assert.Equal("gpt-4o", sent["model"]!.GetValue<string>());
        Assert.Equal(300, sent["max_tokens"]!.GetValue<int>());
        Assert.Equal(0.5, sent["temperature"]!.GetValue<double>());
        Assert.Equal("""["END"]""", sent["stop"]!.ToJsonString());
        Assert.Equal("u-7", sent["user"]!.GetValue<string>());
        Assert.Equal("""{"role":"system","content":"Be brief."}""", sent["messages"]![0]!.ToJsonString());
        Assert.Equal("""{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}""", sent["messages"]![1]!["content"]![1]!.ToJsonString());

        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(FakeOpenAIChat.Greeting, Text(message));
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        var usage = message.GetProperty("usage");
        Assert.Equal(FakeOpenAIChat.PromptTokens - FakeOpenAIChat.CachedTokens, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(FakeOpenAIChat.CachedTokens, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(FakeOpenAIChat.CompletionTokens, usage.GetProperty("output_tokens").GetInt32());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal((FakeOpenAIChat.PromptTokens, FakeOpenAIChat.CompletionTokens, FakeOpenAIChat.CachedTokens), (e.PromptTokens, e.CompletionTokens, e.CachedTokens));
        Assert.Equal("openai", e.Provider);
    }

    [Fact]
    public async Task tools_round_trip_through_another_provider()
    {
        var first = await Message($$"""
            {"model": "gpt", "max_tokens": 300, "tools": [{{WeatherTool}}], "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
             "messages": [{"role": "user", "content": "Weather in Paris?"}]}
            """);

        var sent = _openAI.Requests.Last().Body;
        Assert.Equal("""[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""",
            sent["tools"]!.ToJsonString());
        Assert.Equal("required", sent["tool_choice"]!.GetValue<string>());
        Assert.False(sent["parallel_tool_calls"]!.GetValue<bool>());

        var toolUse = Assert.Single(first.GetProperty("content").EnumerateArray());
        Assert.Equal("tool_use", toolUse.GetProperty("type").GetString());
        Assert.Equal("call_fake_1", toolUse.GetProperty("id").GetString());
        Assert.Equal("get_weather", toolUse.GetProperty("name").GetString());
        Assert.Equal("Paris", toolUse.GetProperty("input").GetProperty("city").GetString());
        Assert.Equal("tool_use", first.GetProperty("stop_reason").GetString());

        var second = await Message($$"""
            {"model": "gpt", "max_tokens": 300, "tools": [{{WeatherTool}}],
             "messages": [
               {"role": "user", "content": "Weather in Paris?"},
               {"role": "assistant", "content": [{{toolUse.GetRawText()}}]},
               {"role": "user", "content": [
                 {"type": "tool_result", "tool_use_id": "call_fake_1", "content": [{"type": "text", "text": "18C and sunny"}]},
                 {"type": "text", "text": "Thanks!"}]}]}
            """);

        var messages = _openAI.Requests.Last().Body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        var call = messages[1]!["tool_calls"]![0]!;
        Assert.Equal("call_fake_1", call["id"]!.GetValue<string>());
        Assert.Equal("Paris", JsonNode.Parse(call["function"]!["arguments"]!.GetValue<string>())!["city"]!.GetValue<string>());
        Assert.Equal("""{"role":"tool","tool_call_id":"call_fake_1","content":"18C and sunny"}""", messages[2]!.ToJsonString());
        Assert.Equal("Tool said: 18C and sunny", Text(second));
    }

    [Fact]
    public async Task another_providers_stream_comes_back_as_anthropic_events_in_order_with_usage_at_the_end()
    {
        var events = await Stream("""{"model": "gpt", "max_tokens": 100, "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""");

        Assert.True(_openAI.Requests.Last().Body["stream_options"]!["include_usage"]!.GetValue<bool>(), "the gateway asks for usage to charge the call");
        Assert.Equal(["message_start", "content_block_start", "content_block_delta*", "content_block_stop", "message_delta", "message_stop"], AnthropicSse.Shape(events));
        var start = events[0].Data.GetProperty("message");
        Assert.Equal("message", start.GetProperty("type").GetString());
        Assert.Equal("assistant", start.GetProperty("role").GetString());
        Assert.Equal(0, start.GetProperty("content").GetArrayLength());
        Assert.Equal("text", events[1].Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.All(events.Where(e => e.Name.StartsWith("content_block", StringComparison.Ordinal)), e => Assert.Equal(0, e.Data.GetProperty("index").GetInt32()));
        Assert.Equal(FakeOpenAIChat.Greeting, string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));

        var delta = events[^2].Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(FakeOpenAIChat.PromptTokens - FakeOpenAIChat.CachedTokens, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(FakeOpenAIChat.CachedTokens, delta.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(FakeOpenAIChat.CompletionTokens, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.False(e.UsageEstimated);
        Assert.Equal(FakeOpenAIChat.PromptTokens, e.PromptTokens);
    }

    [Fact]
    public async Task streamed_tool_calls_from_another_provider_become_a_tool_use_block_with_input_json_deltas()
    {
        var events = await Stream($$"""
            {"model": "gpt", "max_tokens": 100, "stream": true, "tools": [{{WeatherTool}}], "messages": [{"role": "user", "content": "Weather?"}]}
            """);

        Assert.Equal(["message_start", "content_block_start", "content_block_delta*", "content_block_stop",
            "content_block_start", "content_block_delta*", "content_block_stop", "message_delta", "message_stop"], AnthropicSse.Shape(events));
        var toolStart = events.Where(e => e.Name == "content_block_start").ElementAt(1).Data;
        Assert.Equal(1, toolStart.GetProperty("index").GetInt32());
        var block = toolStart.GetProperty("content_block");
        Assert.Equal("""{"type":"tool_use","id":"call_fake_1","name":"get_weather","input":{}}""", block.GetRawText());
        var json = string.Concat(events.Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("index").GetInt32() == 1)
            .Select(e => Assert.IsType<string>(e.Data.GetProperty("delta").GetProperty("partial_json").GetString())));
        Assert.Equal("""{"city":"Paris"}""", json);
        Assert.Equal("tool_use", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task reasoning_from_another_provider_comes_back_as_a_thinking_block()
    {
        var message = await Message("""{"model": "gpt-reasoner", "max_tokens": 100, "messages": [{"role": "user", "content": "Hi"}]}""");
        var thinking = message.GetProperty("content")[0];
        Assert.Equal("thinking", thinking.GetProperty("type").GetString());
        Assert.Equal(FakeOpenAIChat.Reasoning, thinking.GetProperty("thinking").GetString());

        var events = await Stream("""{"model": "gpt-reasoner", "max_tokens": 100, "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""");
        var starts = events.Where(e => e.Name == "content_block_start").Select(e => e.Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal(["thinking", "text"], starts);
        Assert.Equal(FakeOpenAIChat.Reasoning, string.Concat(events.Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("delta").GetProperty("type").GetString() == "thinking_delta")
            .Select(e => e.Data.GetProperty("delta").GetProperty("thinking").GetString())));
    }

    [Fact]
    public async Task the_mock_model_answers_in_anthropic_format_also_without_the_v1_prefix()
    {
        var message = await Message("""{"model": "mock", "max_tokens": 100, "messages": [{"role": "user", "content": "Hi there"}]}""", path: "/messages");
        Assert.Equal("This is a mock response from mock-gpt. You said: Hi there", Text(message));
        Assert.True(message.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);

        var events = await Stream("""{"model": "mock", "max_tokens": 100, "stream": true, "messages": [{"role": "user", "content": "Hi there"}]}""");
        Assert.Equal(["message_start", "content_block_start", "content_block_delta*", "content_block_stop", "message_delta", "message_stop"], AnthropicSse.Shape(events));
        Assert.Equal(Text(message), string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));
        Assert.Equal(2, (await _host.Events<RequestCompleted>()).Count);
    }

    [Fact]
    public async Task refusals_come_back_in_anthropic_shape_with_the_proxy_statuses()
    {
        var noKey = await AnthropicError(await Messages("""{"model": "gpt", "max_tokens": 10, "messages": [{"role": "user", "content": "Hi"}]}""", 401, key: null));
        Assert.Equal("authentication_error", noKey.GetProperty("type").GetString());

        var unknown = await AnthropicError(await Messages("""{"model": "nope", "max_tokens": 10, "messages": [{"role": "user", "content": "Hi"}]}""", 400));
        Assert.Equal("invalid_request_error", unknown.GetProperty("type").GetString());
        Assert.Contains("model=nope", unknown.GetProperty("message").GetString());

        var noMax = await AnthropicError(await Messages("""{"model": "gpt", "messages": [{"role": "user", "content": "Hi"}]}""", 400));
        Assert.Contains("max_tokens", noMax.GetProperty("message").GetString());

        var (limited, _) = await _host.IssuedKey(k => k with { Models = ["gpt"] });
        var denied = await AnthropicError(await Messages("""{"model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": "Hi"}]}""", 403, limited));
        Assert.Equal("permission_error", denied.GetProperty("type").GetString());

        var serverTool = await AnthropicError(await Messages("""
            {"model": "gpt", "max_tokens": 10, "tools": [{"type": "web_search_20250305", "name": "web_search"}], "messages": [{"role": "user", "content": "Hi"}]}
            """, 400));
        Assert.Contains("web_search_20250305", serverTool.GetProperty("message").GetString());

        Assert.Empty(_openAI.Requests);
        Assert.Empty(_anthropic.Requests);
    }

    [Fact]
    public async Task a_key_rate_limit_applies_to_messages_calls()
    {
        var (key, _) = await _host.IssuedKey(k => k with { RpmLimit = 1 });
        await Messages("""{"model": "mock", "max_tokens": 10, "messages": [{"role": "user", "content": "Hi"}]}""", 200, key);
        var result = await Messages("""{"model": "mock", "max_tokens": 10, "messages": [{"role": "user", "content": "Hi"}]}""", 429, key);
        Assert.Equal("rate_limit_error", (await AnthropicError(result)).GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(result.Context.Response.Headers.RetryAfter.ToString()));
    }

    [Fact]
    public async Task count_tokens_asks_anthropic_for_anthropic_deployments_and_counts_with_the_tokenizer_for_others_without_charging()
    {
        const string body = """{"model": "claude", "system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}]}""";
        var counted = await Message(body, path: "/v1/messages/count_tokens");
        Assert.Equal(42, counted.GetProperty("input_tokens").GetInt32());
        var received = Assert.Single(_anthropic.Requests);
        Assert.Equal("/v1/messages/count_tokens", received.Path);
        Assert.Equal("claude-sonnet-4-5", received.Body["model"]!.GetValue<string>());

        var small = await Message("""{"model": "gpt", "messages": [{"role": "user", "content": "Hi"}]}""", path: "/v1/messages/count_tokens");
        var large = await Message($$"""{"model": "gpt", "messages": [{"role": "user", "content": "Hi{{string.Concat(Enumerable.Repeat(" hello", 1000))}}"}]}""", path: "/v1/messages/count_tokens");
        // OpenAI's cookbook: 3 per message + "user" (1) + "Hi" (1) + 3 priming the reply; " hello" is one token.
        Assert.Equal(8, small.GetProperty("input_tokens").GetInt32());
        Assert.Equal(1008, large.GetProperty("input_tokens").GetInt32());
        Assert.Empty(_openAI.Requests);

        Assert.Empty(await _host.Events<RequestCompleted>());
    }
}
