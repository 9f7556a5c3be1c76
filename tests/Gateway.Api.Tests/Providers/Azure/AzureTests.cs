using System.Text.Json;
using Alba;
using Gateway.Api.Providers.Tokens;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Azure;

/// <summary><c>azure/&lt;deployment&gt;</c> against a fake that checks requests as Azure OpenAI does and answers in its shapes.</summary>
public sealed class AzureTests(PostgresFixture postgres) : IAsyncLifetime
{
    FakeAzureOpenAI _azure = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _azure = await FakeAzureOpenAI.StartAsync();
        var endpoint = _azure.Endpoint.ToString();
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: gpt-4o
                litellm_params: { model: azure/gpt-4o-eu, api_base: "{{endpoint}}", api_version: "2024-10-21" }
                model_info: { base_model: azure/gpt-4o }
              - model_name: from-env
                litellm_params: { model: azure/gpt-4o-eu }
              - model_name: entra
                litellm_params: { model: azure/gpt-4o-eu, api_base: "{{endpoint}}", api_version: "2024-10-21", azure_ad_token: os.environ/TEST_AZURE_AD_TOKEN }
              - model_name: legacy
                litellm_params: { model: azure/gpt-35-legacy, api_base: "{{endpoint}}", api_version: "2024-06-01" }
              - model_name: v1
                litellm_params: { model: azure/gpt-4o-eu, api_base: "{{endpoint}}openai/v1/", api_version: v1 }
              - model_name: preview
                litellm_params: { model: azure/gpt-4o-eu, api_base: "{{endpoint}}", api_version: preview }
              - model_name: embed
                litellm_params: { model: azure/text-embedding-3-small-eu, api_base: "{{endpoint}}", api_version: "2024-10-21" }
                model_info: { mode: embedding, base_model: azure/text-embedding-3-small }
              - model_name: filtered
                litellm_params: { model: azure/filtered, api_base: "{{endpoint}}", api_version: "2024-10-21" }
              - model_name: filtered-output
                litellm_params: { model: azure/filtered-output, api_base: "{{endpoint}}", api_version: "2024-10-21" }
              - model_name: throttled
                litellm_params: { model: azure/throttled, api_base: "{{endpoint}}", api_version: "2024-10-21" }
              - model_name: not-deployed
                litellm_params: { model: azure/gpt-5-nowhere, api_base: "{{endpoint}}", api_version: "2024-10-21" }
              - model_name: wrong-key
                litellm_params: { model: azure/gpt-4o-eu, api_base: "{{endpoint}}", api_version: "2024-10-21", api_key: not-the-key }
            """, new Dictionary<string, string?>
            {
                ["AZURE_API_KEY"] = FakeAzureOpenAI.Key,
                ["AZURE_API_BASE"] = endpoint,
                ["AZURE_API_VERSION"] = "2024-12-01-preview",
                ["TEST_AZURE_AD_TOKEN"] = FakeAzureOpenAI.AdToken,
            });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _azure.DisposeAsync();
    }

    Task<IScenarioResult> Chat(string model, bool stream = false, bool includeUsage = false, int status = 200) =>
        _host.Scenario(s =>
        {
            var body = new Dictionary<string, object?>
            {
                ["model"] = model,
                ["messages"] = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = "Hello?" } },
                ["max_tokens"] = 50,
            };
            if (stream) body["stream"] = true;
            if (includeUsage) body["stream_options"] = new { include_usage = true };
            s.Post.Json(body).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBe(status);
        });

    static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task chat_goes_to_the_deployment_with_the_api_version_and_the_key_in_api_key()
    {
        var result = await Chat("gpt-4o");

        var sent = Assert.Single(_azure.Requests);
        Assert.Equal("/openai/deployments/gpt-4o-eu/chat/completions", sent.Path);
        Assert.Equal("2024-10-21", sent.ApiVersion);
        Assert.Equal(FakeAzureOpenAI.Key, sent.Headers["api-key"]);
        Assert.False(sent.Headers.ContainsKey("authorization"), "the key travels only in api-key");
        Assert.Equal(50, sent.Body["max_tokens"]!.GetValue<int>());

        var body = Json(await result.ReadAsTextAsync());
        Assert.Equal("Hello from Azure!", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.True(body.TryGetProperty("prompt_filter_results", out _), "Azure's extras pass through");

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(("azure", "gpt-4o-eu"), (e.Provider, e.Model));
        Assert.Equal((21, 5, 16), (e.PromptTokens, e.CompletionTokens, e.CachedTokens));
        Assert.False(e.UsageEstimated);
        // Priced as gpt-4o (model_info.base_model), cached prompt tokens at the cache-read rate.
        var expected = 5 * e.Prices.InputCostPerToken!.Value + 16 * e.Prices.CacheReadInputTokenCost!.Value + 5 * e.Prices.OutputCostPerToken!.Value;
        Assert.Equal(expected, e.Cost);
    }

    [Fact]
    public async Task api_base_key_and_api_version_come_from_the_environment_when_config_leaves_them_out()
    {
        await Chat("from-env");
        var sent = Assert.Single(_azure.Requests);
        Assert.Equal("/openai/deployments/gpt-4o-eu/chat/completions", sent.Path);
        Assert.Equal("2024-12-01-preview", sent.ApiVersion);
        Assert.Equal(FakeAzureOpenAI.Key, sent.Headers["api-key"]);
    }

    [Fact]
    public async Task an_azure_ad_token_is_sent_as_a_bearer_token_instead_of_the_key()
    {
        await Chat("entra");
        var sent = Assert.Single(_azure.Requests);
        Assert.Equal($"Bearer {FakeAzureOpenAI.AdToken}", sent.Headers["authorization"]);
        Assert.False(sent.Headers.ContainsKey("api-key"));
    }

    [Fact]
    public async Task a_stream_reaches_the_client_without_azures_filter_annotation_chunks()
    {
        var result = await Chat("gpt-4o", stream: true);
        var chunks = Sse.Chunks(await result.ReadAsTextAsync());

        var sent = Assert.Single(_azure.Requests);
        Assert.True(sent.Body["stream_options"]!["include_usage"]!.GetValue<bool>(), "the gateway asks for usage so it can charge");
        // Every chunk has a choice with a delta, as OpenAI clients expect; the content arrives whole.
        Assert.All(chunks, c => Assert.True(c.GetProperty("choices")[0].TryGetProperty("delta", out _)));
        Assert.Equal("Hello from Azure!", string.Concat(chunks.Select(c =>
            c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal((21, 5), (e.PromptTokens, e.CompletionTokens));
        Assert.False(e.UsageEstimated);
    }

    [Fact]
    public async Task a_client_that_asks_for_usage_gets_azures_usage_chunk_last()
    {
        var chunks = Sse.Chunks(await (await Chat("gpt-4o", stream: true, includeUsage: true)).ReadAsTextAsync());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(26, chunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Single(chunks, c => c.GetProperty("choices").GetArrayLength() == 0);
    }

    [Fact]
    public async Task an_api_version_older_than_stream_usage_is_not_sent_stream_options_and_the_stream_is_counted_by_tokenizer()
    {
        // The fake answers 400 "Unrecognized request argument supplied: stream_options" for 2024-06-01, as Azure does.
        var result = await Chat("legacy", stream: true, includeUsage: true);
        var chunks = Sse.Chunks(await result.ReadAsTextAsync());
        Assert.Equal("Hello from Azure!", string.Concat(chunks.Select(c =>
            c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));

        var sent = Assert.Single(_azure.Requests);
        Assert.Equal("2024-06-01", sent.ApiVersion);
        Assert.False(sent.Body.ContainsKey("stream_options"));

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.True(e.UsageEstimated);
        var counter = TokenCounter.Shared;
        Assert.Equal(counter.Count("Hello from Azure!".AsSpan(), "gpt-35-legacy"), e.CompletionTokens);
        // 3 per message + role and content, 3 priming the reply (OpenAI's chat framing).
        var prompt = 3 + counter.Count("system".AsSpan(), "gpt-35") + counter.Count("Be brief.".AsSpan(), "gpt-35")
                     + 3 + counter.Count("user".AsSpan(), "gpt-35") + counter.Count("Hello?".AsSpan(), "gpt-35") + 3;
        Assert.Equal(prompt, e.PromptTokens);
        Assert.True(e.CompletionTokens > 0 && e.PromptTokens > 10);
    }

    [Fact]
    public async Task a_prompt_stopped_by_the_content_filter_is_litellms_content_policy_violation()
    {
        var error = await (await Chat("filtered", status: 400)).OpenAIError(400);
        Assert.StartsWith("litellm.ContentPolicyViolationError: AzureException - The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
            error.GetProperty("message").GetString());
        Assert.Equal("400", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);

        var failed = Assert.Single(await _host.Events<RequestFailed>());
        Assert.Equal(400, failed.Status);
    }

    [Fact]
    public async Task a_completion_stopped_by_the_content_filter_keeps_finish_reason_content_filter()
    {
        var body = Json(await (await Chat("filtered-output")).ReadAsTextAsync());
        Assert.Equal("content_filter", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        var chunks = Sse.Chunks(await (await Chat("filtered-output", stream: true)).ReadAsTextAsync());
        Assert.Equal("content_filter", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task a_429_keeps_azures_retry_after()
    {
        var result = await Chat("throttled", status: 429);
        var error = await result.OpenAIError(429);
        Assert.Equal("6", result.Context.Response.Headers.RetryAfter.ToString());
        Assert.Contains("exceeded token rate limit", error.GetProperty("message").GetString());
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task an_unknown_deployment_is_a_404_with_azures_code()
    {
        var error = await (await Chat("not-deployed", status: 404)).OpenAIError(404);
        Assert.Equal("DeploymentNotFound", error.GetProperty("code").GetString());
        Assert.Equal("/openai/deployments/gpt-5-nowhere/chat/completions", Assert.Single(_azure.Requests).Path);
    }

    [Fact]
    public async Task a_wrong_key_is_a_401()
    {
        var error = await (await Chat("wrong-key", status: 401)).OpenAIError(401);
        Assert.Contains("Access denied", error.GetProperty("message").GetString());
        Assert.Equal("not-the-key", Assert.Single(_azure.Requests).Headers["api-key"]);
    }

    [Fact]
    public async Task embeddings_go_to_the_deployments_embeddings_path()
    {
        var result = await _host.Scenario(s =>
        {
            s.Post.Json(new { model = "embed", input = "The food was delicious and the waiter..." }).ToUrl("/v1/embeddings");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
        var sent = Assert.Single(_azure.Requests);
        Assert.Equal("/openai/deployments/text-embedding-3-small-eu/embeddings", sent.Path);
        Assert.Equal("2024-10-21", sent.ApiVersion);
        Assert.Equal("The food was delicious and the waiter...", sent.Body["input"]!.GetValue<string>());
        Assert.Equal(3, Json(await result.ReadAsTextAsync()).GetProperty("data")[0].GetProperty("embedding").GetArrayLength());

        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(8, e.PromptTokens);
        Assert.True(e.Cost > 0);
    }

    [Fact]
    public async Task api_version_v1_uses_azures_openai_v1_path_with_the_deployment_as_model()
    {
        await Chat("v1", stream: true);
        var sent = Assert.Single(_azure.Requests);
        Assert.Equal("/openai/v1/chat/completions", sent.Path);
        Assert.Null(sent.ApiVersion);
        Assert.Equal("gpt-4o-eu", sent.Body["model"]!.GetValue<string>());
        Assert.True(sent.Body["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task api_version_preview_uses_the_v1_path_with_api_version_preview()
    {
        await Chat("preview");
        var sent = Assert.Single(_azure.Requests);
        Assert.Equal("/openai/v1/chat/completions", sent.Path);
        Assert.Equal("preview", sent.ApiVersion);
    }
}
