using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers;

/// <summary>The OpenAI-compatible provider against a real HTTP fake that speaks OpenAI's wire format.</summary>
public sealed class OpenAICompatibleTests(PostgresFixture postgres) : IAsyncLifetime
{
    FakeOpenAI _upstream = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeOpenAI.StartAsync();
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o-2024-08-06
                  api_base: {{_upstream.BaseUrl}}
                  api_key: os.environ/FAKE_OPENAI_KEY
                model_info: { base_model: gpt-4o }
              - model_name: vllm-llama
                litellm_params:
                  model: hosted_vllm/meta-llama/Llama-3.1-8B-Instruct
                  api_base: {{_upstream.BaseUrl}}
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.000002
              - model_name: limited
                litellm_params: { model: openai/rate-limited, api_base: "{{_upstream.BaseUrl}}", api_key: k }
              - model_name: broken
                litellm_params: { model: openai/broken, api_base: "{{_upstream.BaseUrl}}", api_key: k }
              - model_name: too-long
                litellm_params: { model: openai/bad-request, api_base: "{{_upstream.BaseUrl}}", api_key: k }
              - model_name: quiet
                litellm_params: { model: openai/no-usage, api_base: "{{_upstream.BaseUrl}}", api_key: k }
              - model_name: slow
                litellm_params: { model: openai/slow, api_base: "{{_upstream.BaseUrl}}", api_key: k, timeout: 0.5 }
              - model_name: patient
                litellm_params: { model: openai/slow, api_base: "{{_upstream.BaseUrl}}", api_key: k, timeout: 30 }
              - model_name: flaky-stream
                litellm_params: { model: openai/breaks-mid-stream, api_base: "{{_upstream.BaseUrl}}", api_key: k }
              - model_name: nowhere
                litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: k }
              - model_name: text-embedding-3-small
                litellm_params: { model: openai/text-embedding-3-small, api_base: "{{_upstream.BaseUrl}}", api_key: k }
            """, new Dictionary<string, string?> { ["FAKE_OPENAI_KEY"] = "sk-upstream-secret" });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    Task<IScenarioResult> Chat(string model, bool stream = false, bool includeUsage = false, int status = 200, object? extra = null) =>
        _host.Scenario(s =>
        {
            var body = new Dictionary<string, object?>
            {
                ["model"] = model,
                ["messages"] = new[] { new { role = "user", content = "Hello?" } },
                ["temperature"] = 0.2,
                ["metadata"] = new { tags = new[] { "gateway-only" } },
                ["fallbacks"] = new[] { "other" },
            };
            if (stream) body["stream"] = true;
            if (includeUsage) body["stream_options"] = new { include_usage = true };
            if (extra is not null) body["tools"] = extra;
            s.Post.Json(body).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBe(status);
        });

    [Fact]
    public async Task the_body_is_forwarded_with_the_upstream_model_name_and_the_configured_key_and_without_gateway_fields()
    {
        var tools = new[] { new { type = "function", function = new { name = "lookup", parameters = new { type = "object" } } } };
        var result = await Chat("gpt-4o", extra: tools);

        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("gpt-4o-2024-08-06", sent.Body["model"]!.GetValue<string>());
        Assert.Equal(0.2, sent.Body["temperature"]!.GetValue<double>());
        Assert.Equal("lookup", sent.Body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.False(sent.Body.ContainsKey("metadata"));
        Assert.False(sent.Body.ContainsKey("fallbacks"));
        Assert.Equal("Bearer sk-upstream-secret", sent.Headers["authorization"]);

        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.Equal("Hello from the fake upstream!", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(_upstream.BaseUrl.ToString().TrimEnd('/'), result.Context.Response.Headers["x-litellm-model-api-base"].ToString().TrimEnd('/'));

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal((12, 7, 4, 2), (e.PromptTokens, e.CompletionTokens, e.CachedTokens, e.ReasoningTokens));
        Assert.Equal("openai", e.Provider);
        Assert.Equal("gpt-4o-2024-08-06", e.Model);
        // base_model: gpt-4o prices it from the sheet, cached tokens at the cache-read rate.
        Assert.NotNull(e.Prices.InputCostPerToken);
        var expected = 8 * e.Prices.InputCostPerToken!.Value + 4 * e.Prices.CacheReadInputTokenCost!.Value + 7 * e.Prices.OutputCostPerToken!.Value;
        Assert.Equal(expected, e.Cost);
    }

    [Fact]
    public async Task per_deployment_prices_override_the_sheet()
    {
        await Chat("vllm-llama");
        var e = Assert.Single(await _host.Events<RequestCompleted>(), e => e.ModelGroup == "vllm-llama");
        Assert.Equal(12 * 0.000001m + 7 * 0.000002m, e.Cost);
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", Assert.Single(_upstream.Requests, r => r.Body["model"]!.GetValue<string>().StartsWith("meta")).Body["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_stream_passes_through_and_the_usage_the_gateway_asked_for_is_not_shown_to_a_client_that_did_not()
    {
        var result = await Chat("gpt-4o", stream: true);
        var chunks = Sse.Chunks(await result.ReadAsTextAsync());

        var sent = Assert.Single(_upstream.Requests);
        Assert.True(sent.Body["stream_options"]!["include_usage"]!.GetValue<bool>(), "the gateway asks for usage so it can charge");
        Assert.Equal(5, chunks.Count);
        Assert.DoesNotContain(chunks, c => c.GetProperty("choices").GetArrayLength() == 0);
        Assert.Equal("Hello from the fake upstream!", string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString())));

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.True(e.Stream);
        Assert.Equal(12, e.PromptTokens);
        Assert.False(e.UsageEstimated);
    }

    [Fact]
    public async Task a_client_that_asks_for_usage_gets_the_upstream_usage_chunk()
    {
        var result = await Chat("gpt-4o", stream: true, includeUsage: true);
        var chunks = Sse.Chunks(await result.ReadAsTextAsync());
        Assert.Equal(6, chunks.Count);
        Assert.Equal(19, chunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task an_upstream_without_usage_is_charged_by_estimate_and_marked_so()
    {
        await Chat("quiet");
        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.True(e.UsageEstimated);
        Assert.True(e.PromptTokens > 0);
    }

    [Fact]
    public async Task an_upstream_429_passes_through_with_its_retry_after()
    {
        var result = await Chat("limited", status: 429);
        var error = await result.OpenAIError(429);
        Assert.Equal("7", result.Context.Response.Headers.RetryAfter.ToString());
        Assert.Contains("Rate limit reached", error.GetProperty("message").GetString());
        var failed = Assert.Single(await _host.Events<RequestFailed>());
        Assert.Equal(429, failed.Status);
    }

    [Fact]
    public async Task an_upstream_400_keeps_its_code_so_clients_can_react()
    {
        var error = await (await Chat("too-long", status: 400)).OpenAIError(400);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("maximum context length", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task an_upstream_500_is_passed_through_openai_shaped()
    {
        await (await Chat("broken", status: 500)).OpenAIError(500);
    }

    [Fact]
    public async Task an_unreachable_upstream_is_a_502()
    {
        var error = await (await Chat("nowhere", status: 502)).OpenAIError(502);
        Assert.Equal("api_connection_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task the_overhead_header_leaves_out_the_time_spent_waiting_for_the_upstream()
    {
        var result = await Chat("patient");

        var duration = double.Parse(result.Context.Response.Headers["x-litellm-response-duration-ms"]!, System.Globalization.CultureInfo.InvariantCulture);
        var overhead = double.Parse(result.Context.Response.Headers["x-litellm-overhead-duration-ms"]!, System.Globalization.CultureInfo.InvariantCulture);
        // Timers may fire a hair early (2999.9 ms seen): the point is that the wait is in the duration, not the overhead.
        Assert.True(duration >= 2950, $"the upstream took 3 s, the call {duration} ms");
        Assert.InRange(overhead, 0, duration - 2900);
    }

    [Fact]
    public async Task a_slow_upstream_times_out_as_a_408()
    {
        var error = await (await Chat("slow", status: 408)).OpenAIError(408);
        Assert.Equal("timeout", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task a_stream_that_breaks_part_way_ends_with_an_error_event_and_the_partial_call_is_charged()
    {
        var result = await Chat("flaky-stream", stream: true);
        var data = Sse.Data(await result.ReadAsTextAsync());
        Assert.Equal(2, data.Count(d => d.Contains("chat.completion.chunk")));
        var last = JsonDocument.Parse(data[^1]).RootElement;
        Assert.True(last.TryGetProperty("error", out _), "the last event is the error");

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.True(e.UsageEstimated);
        Assert.Equal(2, e.CompletionTokens);
        Assert.NotEqual(200, e.Status);
    }

    [Fact]
    public async Task embeddings_go_to_the_embeddings_path()
    {
        await _host.Scenario(s =>
        {
            s.Post.Json(new { model = "text-embedding-3-small", input = "hello" }).ToUrl("/v1/embeddings");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/embeddings", sent.Path);
        Assert.Equal("text-embedding-3-small", sent.Body["model"]!.GetValue<string>());
        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(5, e.PromptTokens);
        Assert.True(e.Cost > 0);
    }
}
