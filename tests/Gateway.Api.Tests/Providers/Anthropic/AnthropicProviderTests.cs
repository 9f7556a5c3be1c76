using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Anthropic;

/// <summary>
/// <c>anthropic/…</c> deployments called through <c>/v1/chat/completions</c>, against a fake that checks each request
/// the way Anthropic's Messages API does and answers in its documented shapes.
/// </summary>
public sealed class AnthropicProviderTests(PostgresFixture postgres) : IAsyncLifetime
{
    FakeAnthropic _upstream = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeAnthropic.StartAsync();
        var fake = $"api_base: \"{_upstream.BaseUrl}\", api_key: os.environ/FAKE_ANTHROPIC_KEY";
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: claude
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_base: {{_upstream.BaseUrl}}
                  api_key: os.environ/FAKE_ANTHROPIC_KEY
              - model_name: claude-lenient
                litellm_params: { model: anthropic/claude-sonnet-4-5, {{fake}}, drop_params: true }
              - model_name: claude-wrong-key
                litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "{{_upstream.BaseUrl}}", api_key: sk-ant-wrong }
              - model_name: claude-thinking
                litellm_params: { model: anthropic/claude-thinking, {{fake}} }
              - model_name: claude-max-tokens
                litellm_params: { model: anthropic/claude-max-tokens, {{fake}} }
              - model_name: claude-rate-limited
                litellm_params: { model: anthropic/claude-rate-limited, {{fake}} }
              - model_name: claude-overloaded
                litellm_params: { model: anthropic/claude-overloaded, {{fake}} }
              - model_name: claude-too-long
                litellm_params: { model: anthropic/claude-too-long, {{fake}} }
              - model_name: claude-error-mid-stream
                litellm_params: { model: anthropic/claude-error-mid-stream, {{fake}} }
              - model_name: claude-cut-mid-stream
                litellm_params: { model: anthropic/claude-cut-mid-stream, {{fake}} }
            """, new Dictionary<string, string?> { ["FAKE_ANTHROPIC_KEY"] = FakeAnthropic.ApiKey });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    const string WeatherTool = """
        {"type": "function", "function": {"name": "get_weather", "description": "Current weather for a city",
         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
        """;

    async Task<IScenarioResult> Post(string json, int status) =>
        await _host.Scenario(s =>
        {
            s.Post.Json(JsonNode.Parse(json)!).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBe(status);
        });

    async Task<JsonElement> Chat(string json) =>
        JsonDocument.Parse(await (await Post(json, 200)).ReadAsTextAsync()).RootElement.Clone();

    async Task<IReadOnlyList<JsonElement>> Stream(string json) =>
        Sse.Chunks(await (await Post(json, 200)).ReadAsTextAsync());

    JsonObject Sent => Assert.Single(_upstream.Requests).Body;

    static JsonElement Message(JsonElement completion) => completion.GetProperty("choices")[0].GetProperty("message");

    static string Finish(JsonElement completion) => completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString()!;

    [Fact]
    public async Task a_chat_call_becomes_a_messages_call_and_the_reply_an_openai_completion_with_cache_usage()
    {
        var completion = await Chat("""
            {"model": "claude", "temperature": 0.3, "user": "user-42",
             "messages": [
               {"role": "system", "content": "You are terse."},
               {"role": "developer", "content": [{"type": "text", "text": "Answer in English."}]},
               {"role": "user", "content": "Hi"},
               {"role": "user", "content": [{"type": "text", "text": "there"}]}]}
            """);

        var received = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/messages", received.Path);
        Assert.Equal(FakeAnthropic.ApiKey, received.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", received.Headers["anthropic-version"]);
        var sent = received.Body;
        Assert.Equal("claude-sonnet-4-5", sent["model"]!.GetValue<string>());
        Assert.Equal(4096, sent["max_tokens"]!.GetValue<int>());
        Assert.Equal(0.3, sent["temperature"]!.GetValue<double>());
        Assert.Equal("user-42", sent["metadata"]!["user_id"]!.GetValue<string>());
        Assert.Equal(["You are terse.", "Answer in English."], sent["system"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
        var turn = Assert.Single(sent["messages"]!.AsArray())!;
        Assert.Equal("user", turn["role"]!.GetValue<string>());
        Assert.Equal(["Hi", "there"], turn["content"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));

        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.Equal(FakeAnthropic.Greeting, Message(completion).GetProperty("content").GetString());
        Assert.Equal("stop", Finish(completion));
        var usage = completion.GetProperty("usage");
        const int prompt = FakeAnthropic.InputTokens + FakeAnthropic.CacheCreationTokens + FakeAnthropic.CacheReadTokens;
        Assert.Equal(prompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(FakeAnthropic.OutputTokens, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(prompt + FakeAnthropic.OutputTokens, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(FakeAnthropic.CacheReadTokens, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal((prompt, FakeAnthropic.OutputTokens, FakeAnthropic.CacheReadTokens, FakeAnthropic.CacheCreationTokens),
            (e.PromptTokens, e.CompletionTokens, e.CachedTokens, e.CacheCreationTokens));
        Assert.Equal("anthropic", e.Provider);
        Assert.False(e.UsageEstimated);
        var p = e.Prices;
        Assert.NotNull(p.CacheCreationInputTokenCost);
        Assert.Equal(FakeAnthropic.InputTokens * p.InputCostPerToken!.Value + FakeAnthropic.CacheReadTokens * p.CacheReadInputTokenCost!.Value
            + FakeAnthropic.CacheCreationTokens * p.CacheCreationInputTokenCost.Value + FakeAnthropic.OutputTokens * p.OutputCostPerToken!.Value, e.Cost);
    }

    [Fact]
    public async Task images_become_base64_sources_from_data_urls_and_url_sources_from_https_urls()
    {
        await Chat("""
            {"model": "claude", "messages": [{"role": "user", "content": [
              {"type": "text", "text": "What is in these?"},
              {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
              {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg", "detail": "high"}}]}]}
            """);

        var blocks = Sent["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("text", blocks[0]!["type"]!.GetValue<string>());
        Assert.Equal("""{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}""", blocks[1]!.ToJsonString());
        Assert.Equal("""{"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}""", blocks[2]!.ToJsonString());
    }

    [Fact]
    public async Task tools_and_a_required_tool_choice_translate_and_the_tool_use_comes_back_as_tool_calls()
    {
        var completion = await Chat($$"""
            {"model": "claude", "tool_choice": "required", "tools": [{{WeatherTool}}],
             "messages": [{"role": "user", "content": "Weather in Paris?"}]}
            """);

        var tool = Assert.Single(Sent["tools"]!.AsArray())!;
        Assert.Equal("get_weather", tool["name"]!.GetValue<string>());
        Assert.Equal("Current weather for a city", tool["description"]!.GetValue<string>());
        Assert.Equal("object", tool["input_schema"]!["type"]!.GetValue<string>());
        Assert.Equal("""{"type":"any"}""", Sent["tool_choice"]!.ToJsonString());

        var message = Message(completion);
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("toolu_01FakeCall", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        var arguments = call.GetProperty("function").GetProperty("arguments");
        Assert.Equal(JsonValueKind.String, arguments.ValueKind);
        Assert.Equal("Paris", JsonDocument.Parse(arguments.GetString()!).RootElement.GetProperty("city").GetString());
        Assert.Equal("tool_calls", Finish(completion));
    }

    [Fact]
    public async Task tool_results_go_back_as_tool_result_blocks_leading_one_user_turn()
    {
        var completion = await Chat($$$"""
            {"model": "claude", "tools": [{{{WeatherTool}}}],
             "messages": [
               {"role": "user", "content": "Weather in Paris and Rome?"},
               {"role": "assistant", "content": "Checking both.", "tool_calls": [
                 {"id": "toolu_01A", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                 {"id": "toolu_01B", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]},
               {"role": "tool", "tool_call_id": "toolu_01A", "content": "18C and sunny"},
               {"role": "tool", "tool_call_id": "toolu_01B", "content": [{"type": "text", "text": "24C and clear"}]},
               {"role": "user", "content": "Thanks, summarise."}]}
            """);

        var turns = Sent["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], turns.Select(t => t!["role"]!.GetValue<string>()));
        var assistant = turns[1]!["content"]!.AsArray();
        Assert.Equal(["text", "tool_use", "tool_use"], assistant.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal("""{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city":"Paris"}}""", assistant[1]!.ToJsonString());
        var results = turns[2]!["content"]!.AsArray();
        Assert.Equal(["tool_result", "tool_result", "text"], results.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal("toolu_01B", results[1]!["tool_use_id"]!.GetValue<string>());
        Assert.Equal("24C and clear", results[1]!["content"]![0]!["text"]!.GetValue<string>());

        Assert.Equal("Tool said: 18C and sunny | 24C and clear", Message(completion).GetProperty("content").GetString());
        Assert.Equal("stop", Finish(completion));
    }

    [Fact]
    public async Task a_named_tool_choice_forces_that_tool_and_parallel_tool_calls_false_disables_parallel_use()
    {
        var completion = await Chat($$$"""
            {"model": "claude", "tools": [{{{WeatherTool}}}], "parallel_tool_calls": false,
             "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
             "messages": [{"role": "user", "content": "Weather?"}]}
            """);

        Assert.Equal("""{"type":"tool","name":"get_weather","disable_parallel_tool_use":true}""", Sent["tool_choice"]!.ToJsonString());
        var call = Assert.Single(Message(completion).GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task tool_choice_none_is_sent_as_none_and_the_model_answers_in_text()
    {
        var completion = await Chat($$"""
            {"model": "claude", "tools": [{{WeatherTool}}], "tool_choice": "none", "messages": [{"role": "user", "content": "Hi"}]}
            """);

        Assert.Equal("""{"type":"none"}""", Sent["tool_choice"]!.ToJsonString());
        Assert.Equal(FakeAnthropic.Greeting, Message(completion).GetProperty("content").GetString());
        Assert.False(Message(completion).TryGetProperty("tool_calls", out _));
    }

    [Fact]
    public async Task a_json_schema_response_format_rides_a_forced_tool_and_comes_back_as_content()
    {
        var completion = await Chat("""
            {"model": "claude", "messages": [{"role": "user", "content": "Weather in Paris as JSON"}],
             "response_format": {"type": "json_schema", "json_schema": {"name": "weather", "schema":
               {"type": "object", "properties": {"city": {"type": "string"}, "temperature_c": {"type": "number"}}, "required": ["city"]}}}}
            """);

        var tool = Assert.Single(Sent["tools"]!.AsArray())!;
        Assert.Equal("json_tool_call", tool["name"]!.GetValue<string>());
        Assert.Equal("""{"type":"object","properties":{"city":{"type":"string"},"temperature_c":{"type":"number"}},"required":["city"]}""",
            tool["input_schema"]!.ToJsonString());
        Assert.Equal("""{"type":"tool","name":"json_tool_call"}""", Sent["tool_choice"]!.ToJsonString());

        var message = Message(completion);
        Assert.False(message.TryGetProperty("tool_calls", out _));
        var answer = JsonDocument.Parse(message.GetProperty("content").GetString()!).RootElement;
        Assert.Equal("Paris", answer.GetProperty("city").GetString());
        Assert.Equal(21, answer.GetProperty("temperature_c").GetInt32());
        Assert.Equal("stop", Finish(completion));
    }

    [Fact]
    public async Task a_streamed_json_object_answer_arrives_as_content_not_as_a_tool_call()
    {
        var chunks = await Stream("""
            {"model": "claude", "stream": true, "response_format": {"type": "json_object"}, "messages": [{"role": "user", "content": "JSON please"}]}
            """);

        Assert.Equal("object", Sent["tools"]![0]!["input_schema"]!["type"]!.GetValue<string>());
        var choices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.DoesNotContain(choices, c => c.GetProperty("delta").TryGetProperty("tool_calls", out _));
        var content = string.Concat(choices.Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal("Paris", JsonDocument.Parse(content).RootElement.GetProperty("city").GetString());
        Assert.Equal("stop", Assert.Single(choices, c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String).GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task stop_becomes_stop_sequences_and_max_completion_tokens_becomes_max_tokens()
    {
        var completion = await Chat("""
            {"model": "claude", "stop": ["END", "###"], "max_completion_tokens": 50, "messages": [{"role": "user", "content": "Hi"}]}
            """);

        Assert.Equal("""["END","###"]""", Sent["stop_sequences"]!.ToJsonString());
        Assert.Equal(50, Sent["max_tokens"]!.GetValue<int>());
        Assert.Equal("stop", Finish(completion)); // Anthropic stopped at a stop_sequence
    }

    [Fact]
    public async Task stopping_at_max_tokens_is_finish_reason_length()
    {
        var completion = await Chat("""{"model": "claude-max-tokens", "max_tokens": 5, "messages": [{"role": "user", "content": "Hi"}]}""");
        Assert.Equal("length", Finish(completion));
        Assert.Equal(5, Sent["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task a_text_stream_arrives_as_openai_chunks_ending_with_the_usage_chunk()
    {
        var chunks = await Stream("""
            {"model": "claude", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "Hi"}]}
            """);

        Assert.True(Sent["stream"]!.GetValue<bool>());
        Assert.False(Sent.ContainsKey("stream_options"));
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var choices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.Equal(FakeAnthropic.Greeting, string.Concat(choices.Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
        Assert.Equal("stop", Assert.Single(choices, c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String).GetProperty("finish_reason").GetString());

        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal(128, last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(FakeAnthropic.OutputTokens, last.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(FakeAnthropic.CacheReadTokens, last.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.True(e.Stream);
        Assert.False(e.UsageEstimated);
        Assert.Equal((128, FakeAnthropic.OutputTokens, FakeAnthropic.CacheReadTokens), (e.PromptTokens, e.CompletionTokens, e.CachedTokens));
    }

    [Fact]
    public async Task a_client_that_did_not_ask_for_usage_gets_no_usage_chunk_but_the_call_is_still_charged()
    {
        var chunks = await Stream("""{"model": "claude", "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""");
        Assert.DoesNotContain(chunks, c => c.GetProperty("choices").GetArrayLength() == 0);
        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(128, e.PromptTokens);
        Assert.False(e.UsageEstimated);
    }

    [Fact]
    public async Task streamed_tool_calls_arrive_as_an_opening_delta_then_argument_pieces()
    {
        var chunks = await Stream($$"""
            {"model": "claude", "stream": true, "tools": [{{WeatherTool}}], "messages": [{"role": "user", "content": "Weather?"}]}
            """);

        var deltas = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta")).ToList();
        Assert.Equal("Let me check.", string.Concat(deltas.Select(d => d.TryGetProperty("content", out var t) ? t.GetString() : "")));
        var toolDeltas = deltas.Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => Assert.Single(d.GetProperty("tool_calls").EnumerateArray())).ToList();
        Assert.True(toolDeltas.Count >= 3, "an opening delta and at least two argument pieces");
        Assert.Equal("toolu_01FakeCall", toolDeltas[0].GetProperty("id").GetString());
        Assert.Equal("get_weather", toolDeltas[0].GetProperty("function").GetProperty("name").GetString());
        Assert.All(toolDeltas, d => Assert.Equal(0, d.GetProperty("index").GetInt32()));
        Assert.All(toolDeltas.Skip(1), d => Assert.False(d.TryGetProperty("id", out _)));
        var arguments = string.Concat(toolDeltas.Select(d => d.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("""{"city":"Paris","unit":"celsius"}""", arguments);
        Assert.Contains(chunks, c => c.GetProperty("choices").GetArrayLength() > 0
            && c.GetProperty("choices")[0].GetProperty("finish_reason").GetString() == "tool_calls");
    }

    [Fact]
    public async Task reasoning_effort_asks_for_thinking_and_thinking_comes_back_as_reasoning_content_with_its_signature()
    {
        var completion = await Chat("""{"model": "claude-thinking", "reasoning_effort": "low", "messages": [{"role": "user", "content": "Hi"}]}""");

        Assert.Equal("""{"type":"enabled","budget_tokens":1024}""", Sent["thinking"]!.ToJsonString());
        var message = Message(completion);
        Assert.Equal(FakeAnthropic.Thinking, message.GetProperty("reasoning_content").GetString());
        Assert.Equal("sig-fake-abc", message.GetProperty("thinking_blocks")[0].GetProperty("signature").GetString());
        Assert.Equal(FakeAnthropic.Greeting, message.GetProperty("content").GetString());
        Assert.True(completion.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32() > 0);

        // The thinking block goes back with its signature on the next turn, as Anthropic requires with tools.
        var next = new JsonObject
        {
            ["model"] = "claude-thinking",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "Hi" },
                JsonNode.Parse(message.GetRawText()),
                new JsonObject { ["role"] = "user", ["content"] = "And again?" }),
        };
        await Chat(next.ToJsonString());
        var assistant = _upstream.Requests.Last().Body["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["thinking", "text"], assistant.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal("sig-fake-abc", assistant[0]!["signature"]!.GetValue<string>());
    }

    [Fact]
    public async Task streamed_thinking_arrives_as_reasoning_content_deltas()
    {
        var chunks = await Stream("""{"model": "claude-thinking", "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""");
        var deltas = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("delta")).ToList();
        Assert.Equal(FakeAnthropic.Thinking, string.Concat(deltas.Select(d => d.TryGetProperty("reasoning_content", out var t) ? t.GetString() : "")));
        Assert.Equal(FakeAnthropic.Greeting, string.Concat(deltas.Select(d => d.TryGetProperty("content", out var t) ? t.GetString() : "")));
    }

    [Theory]
    [InlineData("claude-rate-limited", 429, "rate_limit_error")]
    [InlineData("claude-overloaded", 503, "overloaded_error")]
    [InlineData("claude-too-long", 400, "invalid_request_error")]
    [InlineData("claude-wrong-key", 401, "authentication_error")]
    public async Task anthropic_errors_become_openai_errors_with_litellm_statuses(string model, int status, string type)
    {
        var result = await Post($$"""{"model": "{{model}}", "messages": [{"role": "user", "content": "Hi"}]}""", status);
        var error = await result.OpenAIError(status);
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.StartsWith(model == "claude-too-long" ? "litellm.ContextWindowExceededError" : "anthropic error:", error.GetProperty("message").GetString());
        if (model == "claude-too-long")
            Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        if (model == "claude-rate-limited")
            Assert.Equal("11", result.Context.Response.Headers.RetryAfter.ToString());
        Assert.Equal(status, Assert.Single(await _host.Events<RequestFailed>()).Status);
    }

    [Theory]
    [InlineData("claude-error-mid-stream", "overloaded_error")]
    [InlineData("claude-cut-mid-stream", "api_connection_error")]
    public async Task a_stream_that_fails_part_way_ends_with_an_error_event_and_is_charged_for_what_it_produced(string model, string type)
    {
        var result = await Post($$"""{"model": "{{model}}", "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""", 200);
        var data = Sse.Data(await result.ReadAsTextAsync());
        Assert.Contains(data, d => d.Contains("\"content\":\"Hello\""));
        var last = JsonDocument.Parse(data[^1]).RootElement;
        Assert.Equal(type, last.GetProperty("error").GetProperty("type").GetString());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.NotEqual(200, e.Status);
        Assert.False(e.UsageEstimated, "the input counts came in message_start");
        Assert.Equal(128, e.PromptTokens);
        Assert.True(e.CompletionTokens >= 1);
    }

    [Fact]
    public async Task a_parameter_anthropic_lacks_is_refused_by_name_unless_the_deployment_drops_it()
    {
        var error = await (await Post("""{"model": "claude", "seed": 7, "messages": [{"role": "user", "content": "Hi"}]}""", 400)).OpenAIError(400);
        Assert.Equal("seed", error.GetProperty("param").GetString());
        Assert.Contains("drop_params", error.GetProperty("message").GetString());
        Assert.Empty(_upstream.Requests);

        await Chat("""{"model": "claude-lenient", "seed": 7, "n": 1, "messages": [{"role": "user", "content": "Hi"}]}""");
        Assert.False(Sent.ContainsKey("seed"));
    }

    [Fact]
    public async Task a_conversation_that_opens_with_an_assistant_turn_gets_a_user_turn_first()
    {
        await Chat("""
            {"model": "claude", "messages": [{"role": "system", "content": "Be brief."}, {"role": "assistant", "content": "Hello! How can I help?"},
              {"role": "user", "content": "Tell me a joke"}, {"role": "assistant", "content": "Why did the  "}]}
            """);
        var turns = Sent["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user", "assistant"], turns.Select(t => t!["role"]!.GetValue<string>()));
        Assert.Equal("Why did the", turns[3]!["content"]![0]!["text"]!.GetValue<string>()); // a prefill may not end in whitespace
    }

    [Fact]
    public async Task the_fake_refuses_what_the_real_api_refuses()
    {
        // The checks that make a wrong translation fail: each of these bodies is one the real API rejects.
        using var http = new HttpClient { BaseAddress = _upstream.BaseUrl };
        var ct = TestContext.Current.CancellationToken;
        string[] wrong =
        [
            """{"model":"m","messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"},{"role":"user","content":"hi"}]}""",
            """{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":"x"},{"role":"user","content":"hi"}]}""",
            """{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}""",
            """{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}""",
            """{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_x"}]}]}""",
            """{"model":"m","max_tokens":5,"n":1,"messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"m","max_tokens":5,"tool_choice":{"type":"any"},"messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x"}}]}]}""",
        ];
        foreach (var body in wrong)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("x-api-key", FakeAnthropic.ApiKey);
            request.Headers.Add("anthropic-version", "2023-06-01");
            using var response = await http.SendAsync(request, ct);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, body);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
            Assert.Equal("error", error.GetProperty("type").GetString());
            Assert.Equal("invalid_request_error", error.GetProperty("error").GetProperty("type").GetString());
        }

        using var noVersion = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        noVersion.Headers.Add("x-api-key", FakeAnthropic.ApiKey);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.SendAsync(noVersion, ct)).StatusCode);
    }
}
