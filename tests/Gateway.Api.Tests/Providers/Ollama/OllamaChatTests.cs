using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Providers.Tokens;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Ollama;

/// <summary><c>ollama_chat/&lt;model&gt;</c> against a fake that decodes requests as Ollama's /api/chat does.</summary>
public sealed class OllamaChatTests(PostgresFixture postgres) : IAsyncLifetime
{
    FakeOllama _ollama = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _ollama = await FakeOllama.StartAsync();
        var root = _ollama.Root;
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: llama
                litellm_params: { model: ollama_chat/llama3.2, api_base: "{{root}}", input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
              - model_name: keyed
                litellm_params: { model: ollama_chat/llama3.2, api_base: "{{root}}/api/chat", api_key: ollama-secret }
              - model_name: from-env
                litellm_params: { model: ollama_chat/llama3.2 }
              - model_name: tuned
                litellm_params: { model: ollama_chat/llama3.2, api_base: "{{root}}", num_ctx: 8192, temperature: 0.1, keep_alive: 10m }
              - model_name: lenient
                litellm_params: { model: ollama_chat/llama3.2, api_base: "{{root}}", drop_params: true }
              - model_name: qwen
                litellm_params: { model: ollama_chat/qwen3, api_base: "{{root}}" }
              - model_name: llava
                litellm_params: { model: ollama_chat/llava, api_base: "{{root}}" }
              - model_name: cached
                litellm_params: { model: ollama_chat/cached, api_base: "{{root}}" }
              - model_name: breaks
                litellm_params: { model: ollama_chat/breaks, api_base: "{{root}}" }
              - model_name: busy
                litellm_params: { model: ollama_chat/busy, api_base: "{{root}}" }
              - model_name: not-pulled
                litellm_params: { model: "ollama_chat/mistral:7b", api_base: "{{root}}" }
            """, new Dictionary<string, string?> { ["OLLAMA_API_BASE"] = root });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    static readonly object[] WeatherTools =
    [
        new
        {
            type = "function",
            function = new
            {
                name = "get_current_weather",
                description = "Get the current weather for a location",
                parameters = new
                {
                    type = "object",
                    properties = new
                    {
                        location = new { type = "string", description = "The location to get the weather for, e.g. San Francisco, CA" },
                        format = new { type = "string", @enum = new[] { "celsius", "fahrenheit" } },
                    },
                    required = new[] { "location", "format" },
                },
            },
        },
    ];

    Task<IScenarioResult> Chat(object body, int status = 200) =>
        _host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBe(status);
        });

    static object[] Hello => [new { role = "system", content = "Be brief." }, new { role = "user", content = "Why is the sky blue?" }];

    static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    static string Text(IEnumerable<JsonElement> chunks) => string.Concat(chunks.Select(c =>
        c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));

    [Fact]
    public async Task chat_goes_to_api_chat_with_options_and_comes_back_openai_shaped_with_usage()
    {
        var result = await Chat(new
        {
            model = "llama", messages = Hello, temperature = 0.3, top_p = 0.9, max_tokens = 100, seed = 7, stop = "\n\n",
            frequency_penalty = 0.5, user = "customer-1", metadata = new { tags = new[] { "t" } },
        });

        var sent = Assert.Single(_ollama.Requests);
        Assert.Equal("/api/chat", sent.Path);
        Assert.Equal("llama3.2", sent.Body["model"]!.GetValue<string>());
        Assert.False(sent.Body["stream"]!.GetValue<bool>(), "Ollama streams unless told not to");
        var options = sent.Body["options"]!.AsObject();
        Assert.Equal(0.3, options["temperature"]!.GetValue<double>());
        Assert.Equal(0.9, options["top_p"]!.GetValue<double>());
        Assert.Equal(100, options["num_predict"]!.GetValue<int>());
        Assert.Equal(7, options["seed"]!.GetValue<int>());
        Assert.Equal(0.5, options["frequency_penalty"]!.GetValue<double>());
        Assert.Equal("\n\n", Assert.Single(options["stop"]!.AsArray())!.GetValue<string>());
        Assert.Equal(["system", "user"], sent.Body["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("Why is the sky blue?", sent.Body["messages"]![1]!["content"]!.GetValue<string>());

        var body = Json(await result.ReadAsTextAsync());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("The sky is blue because of Rayleigh scattering.", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(34, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(("ollama_chat", 26, 8), (e.Provider, e.PromptTokens, e.CompletionTokens));
        Assert.False(e.UsageEstimated);
        Assert.Equal(26 * 0.000001m + 8 * 0.000002m, e.Cost);
    }

    [Fact]
    public async Task a_stream_of_ndjson_lines_becomes_openai_chunks_with_usage_for_the_gateway()
    {
        var result = await Chat(new { model = "llama", messages = Hello, stream = true });
        var chunks = Sse.Chunks(await result.ReadAsTextAsync());

        Assert.True(Assert.Single(_ollama.Requests).Body["stream"]!.GetValue<bool>());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("The sky is blue because of Rayleigh scattering.", Text(chunks));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.DoesNotContain(chunks, c => c.TryGetProperty("usage", out _)); // the client did not ask for it

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal((26, 8, true), (e.PromptTokens, e.CompletionTokens, e.Stream));
        Assert.False(e.UsageEstimated);
    }

    [Fact]
    public async Task a_client_that_asks_for_stream_usage_gets_a_final_usage_chunk()
    {
        var chunks = Sse.Chunks(await (await Chat(new { model = "llama", messages = Hello, stream = true, stream_options = new { include_usage = true } })).ReadAsTextAsync());
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal((26, 8, 34), (last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(),
            last.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), last.GetProperty("usage").GetProperty("total_tokens").GetInt32()));
    }

    [Fact]
    public async Task tool_calls_round_trip_through_ollama()
    {
        var first = Json(await (await Chat(new
        {
            model = "llama", tools = WeatherTools, tool_choice = "auto",
            messages = new object[] { new { role = "user", content = "What is the weather today in Paris?" } },
        })).ReadAsTextAsync());
        var choice = first.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.StartsWith("call_", call.GetProperty("id").GetString());
        Assert.Equal("get_current_weather", call.GetProperty("function").GetProperty("name").GetString());
        var arguments = Json(call.GetProperty("function").GetProperty("arguments").GetString()!); // a JSON string, as OpenAI sends it
        Assert.Equal("Paris, FR", arguments.GetProperty("location").GetString());
        var sentTools = _ollama.Requests.Single().Body;
        Assert.Equal("get_current_weather", sentTools["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.False(sentTools.ContainsKey("tool_choice"));

        // The client runs the tool and sends the result back with the assistant's call, OpenAI style.
        var second = Json(await (await Chat(new
        {
            model = "llama", tools = WeatherTools,
            messages = new object[]
            {
                new { role = "user", content = "What is the weather today in Paris?" },
                new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = call.GetProperty("id").GetString(), type = "function", function = new { name = "get_current_weather", arguments = call.GetProperty("function").GetProperty("arguments").GetString() } } } },
                new { role = "tool", tool_call_id = call.GetProperty("id").GetString(), content = "22 degrees celsius" },
            },
        })).ReadAsTextAsync());
        Assert.Equal("It is 22 degrees celsius in Paris.", second.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        var sent = _ollama.Requests.Last().Body["messages"]!.AsArray();
        Assert.Equal("Paris, FR", sent[1]!["tool_calls"]![0]!["function"]!["arguments"]!["location"]!.GetValue<string>()); // an object for Ollama
        Assert.Equal("get_current_weather", sent[2]!["tool_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_streamed_tool_call_arrives_as_an_indexed_delta()
    {
        var chunks = Sse.Chunks(await (await Chat(new
        {
            model = "llama", tools = WeatherTools, stream = true,
            messages = new object[] { new { role = "user", content = "What is the weather today in Paris?" } },
        })).ReadAsTextAsync());
        var call = chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0]).Single();
        Assert.Equal(0, call.GetProperty("index").GetInt32());
        Assert.Equal("get_current_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("celsius", Json(call.GetProperty("function").GetProperty("arguments").GetString()!).GetProperty("format").GetString());
        Assert.Equal("tool_calls", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task tool_choice_none_sends_no_tools()
    {
        await Chat(new { model = "llama", tools = WeatherTools, tool_choice = "none", messages = Hello });
        Assert.False(Assert.Single(_ollama.Requests).Body.ContainsKey("tools"));
    }

    [Fact]
    public async Task response_format_becomes_ollamas_format()
    {
        await Chat(new { model = "llama", messages = Hello, response_format = new { type = "json_object" } });
        Assert.Equal("json", _ollama.Requests.Last().Body["format"]!.GetValue<string>());

        var schema = new { type = "object", properties = new { age = new { type = "integer" }, available = new { type = "boolean" } }, required = new[] { "age", "available" } };
        await Chat(new { model = "llama", messages = Hello, response_format = new { type = "json_schema", json_schema = new { name = "person", schema } } });
        var format = _ollama.Requests.Last().Body["format"]!.AsObject();
        Assert.Equal("integer", format["properties"]!["age"]!["type"]!.GetValue<string>());
        Assert.Equal(2, format["required"]!.AsArray().Count);
    }

    [Fact]
    public async Task images_go_as_bare_base64_beside_the_text()
    {
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        var body = Json(await (await Chat(new
        {
            model = "llava",
            messages = new object[]
            {
                new { role = "user", content = new object[] { new { type = "text", text = "What is in this picture?" }, new { type = "image_url", image_url = new { url = $"data:image/png;base64,{png}" } } } },
            },
        })).ReadAsTextAsync());
        var message = Assert.Single(_ollama.Requests).Body["messages"]![0]!;
        Assert.Equal("What is in this picture?", message["content"]!.GetValue<string>());
        Assert.Equal(png, Assert.Single(message["images"]!.AsArray())!.GetValue<string>());
        Assert.Contains("cartoon", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task a_remote_image_url_is_refused_before_calling_ollama()
    {
        var error = await (await Chat(new
        {
            model = "llava",
            messages = new object[] { new { role = "user", content = new object[] { new { type = "image_url", image_url = new { url = "https://example.com/cat.png" } } } } },
        }, status: 400)).OpenAIError(400);
        Assert.Contains("data:", error.GetProperty("message").GetString());
        Assert.Empty(_ollama.Requests);
    }

    [Fact]
    public async Task thinking_comes_back_as_reasoning_content()
    {
        var body = Json(await (await Chat(new { model = "qwen", messages = Hello, reasoning_effort = "low" })).ReadAsTextAsync());
        Assert.True(Assert.Single(_ollama.Requests).Body["think"]!.GetValue<bool>());
        var message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("The user greets me; answer briefly.", message.GetProperty("reasoning_content").GetString());

        var chunks = Sse.Chunks(await (await Chat(new { model = "qwen", messages = Hello, stream = true })).ReadAsTextAsync());
        Assert.Equal("The user greets me; answer briefly.", string.Concat(chunks.Select(c =>
            c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("reasoning_content", out var r) ? r.GetString() : "")));
    }

    [Fact]
    public async Task an_answer_cut_by_num_predict_finishes_with_length()
    {
        var body = Json(await (await Chat(new { model = "llama", messages = Hello, max_completion_tokens = 3 })).ReadAsTextAsync());
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(3, Assert.Single(_ollama.Requests).Body["options"]!["num_predict"]!.GetValue<int>());
    }

    [Fact]
    public async Task deployment_params_are_defaults_the_request_overrides()
    {
        await Chat(new { model = "tuned", messages = Hello, temperature = 0.7 });
        var sent = Assert.Single(_ollama.Requests).Body;
        Assert.Equal(8192, sent["options"]!["num_ctx"]!.GetValue<int>());
        Assert.Equal(0.7, sent["options"]!["temperature"]!.GetValue<double>());
        Assert.Equal("10m", sent["keep_alive"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_parameter_ollama_lacks_is_a_clear_400_unless_drop_params()
    {
        var error = await (await Chat(new { model = "llama", messages = Hello, logit_bias = new Dictionary<string, int> { ["50256"] = -100 } }, status: 400)).OpenAIError(400);
        Assert.Contains("UnsupportedParamsError", error.GetProperty("message").GetString());
        Assert.Contains("'logit_bias'", error.GetProperty("message").GetString());
        Assert.Contains("drop_params", error.GetProperty("message").GetString());
        Assert.Empty(_ollama.Requests);

        await Chat(new { model = "lenient", messages = Hello, logit_bias = new Dictionary<string, int> { ["50256"] = -100 }, n = 2 });
        Assert.Single(_ollama.Requests);
    }

    [Fact]
    public async Task api_base_comes_from_ollama_api_base_and_an_endpoint_suffix_is_tolerated()
    {
        await Chat(new { model = "from-env", messages = Hello });
        Assert.Equal("/api/chat", Assert.Single(_ollama.Requests).Path);

        _ollama.RequiredKey = "ollama-secret";
        await Chat(new { model = "keyed", messages = Hello });
        var keyed = _ollama.Requests.Last();
        Assert.Equal("/api/chat", keyed.Path);
        Assert.Equal("Bearer ollama-secret", keyed.Headers["authorization"]);
    }

    [Fact]
    public async Task without_a_prompt_count_the_prompt_is_counted_by_tokenizer()
    {
        await Chat(new { model = "cached", messages = Hello });
        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(8, e.CompletionTokens);
        var counter = TokenCounter.Shared;
        var expected = 3 + counter.Count("system".AsSpan(), "cached") + counter.Count("Be brief.".AsSpan(), "cached")
                       + 3 + counter.Count("user".AsSpan(), "cached") + counter.Count("Why is the sky blue?".AsSpan(), "cached") + 3;
        Assert.Equal(expected, e.PromptTokens);
    }

    [Fact]
    public async Task a_model_that_is_not_pulled_is_a_404()
    {
        var error = await (await Chat(new { model = "not-pulled", messages = Hello }, status: 404)).OpenAIError(404);
        Assert.Contains("model \"mistral:7b\" not found", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task a_busy_server_is_a_503()
    {
        var error = await (await Chat(new { model = "busy", messages = Hello }, status: 503)).OpenAIError(503);
        Assert.Contains("server busy", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task an_error_line_mid_stream_ends_the_stream_with_an_error_event_and_charges_what_was_produced()
    {
        var data = Sse.Data(await (await Chat(new { model = "breaks", messages = Hello, stream = true })).ReadAsTextAsync());
        var chunks = data.Where(d => d.Contains("chat.completion.chunk")).Select(Json).ToList();
        Assert.Equal("The sky", string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString())));
        var last = Json(data[^1]);
        Assert.Contains("unexpected EOF", last.GetProperty("error").GetProperty("message").GetString());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.True(e.UsageEstimated);
        Assert.Equal(TokenCounter.Shared.Count("The sky".AsSpan(), "breaks"), e.CompletionTokens);
    }
}
