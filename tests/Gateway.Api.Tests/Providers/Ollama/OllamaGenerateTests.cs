using System.Buffers.Binary;
using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Ollama;

/// <summary><c>ollama/&lt;model&gt;</c> (Ollama's /api/generate, as LiteLLM uses it) and embeddings through /api/embed.</summary>
public sealed class OllamaGenerateTests(PostgresFixture postgres) : IAsyncLifetime
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
                litellm_params: { model: ollama/llama3.2, api_base: "{{root}}" }
              - model_name: llava
                litellm_params: { model: ollama/llava, api_base: "{{root}}" }
              - model_name: qwen
                litellm_params: { model: ollama/qwen3, api_base: "{{root}}" }
              - model_name: lenient
                litellm_params: { model: ollama/llama3.2, api_base: "{{root}}", drop_params: true }
              - model_name: embed
                litellm_params: { model: ollama/nomic-embed-text, api_base: "{{root}}" }
                model_info: { mode: embedding }
              - model_name: embed-chat-prefix
                litellm_params: { model: ollama_chat/nomic-embed-text, api_base: "{{root}}" }
                model_info: { mode: embedding }
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    Task<IScenarioResult> Post(string url, object body, int status = 200) =>
        _host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithMasterKey();
            s.StatusCodeShouldBe(status);
        });

    static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task a_chat_is_flattened_into_litellms_prompt_for_api_generate()
    {
        var body = Json(await (await Post("/v1/chat/completions", new
        {
            model = "llama", temperature = 0, max_tokens = 64,
            messages = new object[]
            {
                new { role = "system", content = "Be brief." },
                new { role = "user", content = "Why is the sky blue?" },
                new { role = "assistant", content = "Rayleigh scattering." },
                new { role = "user", content = new object[] { new { type = "text", text = "And at sunset?" } } },
            },
        })).ReadAsTextAsync());

        var sent = Assert.Single(_ollama.Requests);
        Assert.Equal("/api/generate", sent.Path);
        Assert.Equal("llama3.2", sent.Body["model"]!.GetValue<string>());
        Assert.Equal("### System:\nBe brief.\n\n### User:\nWhy is the sky blue?\n\n### Assistant:\nRayleigh scattering.\n\n### User:\nAnd at sunset?\n\n",
            sent.Body["prompt"]!.GetValue<string>());
        Assert.False(sent.Body["stream"]!.GetValue<bool>());
        Assert.Equal(64, sent.Body["options"]!["num_predict"]!.GetValue<int>());

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("The sky is blue because of Rayleigh scattering.", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(("ollama", 26, 8), (e.Provider, e.PromptTokens, e.CompletionTokens));
    }

    [Fact]
    public async Task a_streamed_chat_comes_back_as_chat_chunks_with_thinking()
    {
        var chunks = Sse.Chunks(await (await Post("/v1/chat/completions", new
        {
            model = "qwen", stream = true, stream_options = new { include_usage = true },
            messages = new object[] { new { role = "user", content = "Hi" } },
        })).ReadAsTextAsync());

        Assert.Equal("The sky is blue because of Rayleigh scattering.", string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c =>
            c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
        Assert.Contains(chunks, c => c.GetProperty("choices").GetArrayLength() > 0
            && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("reasoning_content", out _));
        Assert.Equal(34, chunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task images_of_every_user_turn_go_in_images()
    {
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        await Post("/v1/chat/completions", new
        {
            model = "llava",
            messages = new object[] { new { role = "user", content = new object[] { new { type = "text", text = "What is in this picture?" }, new { type = "image_url", image_url = $"data:image/png;base64,{png}" } } } },
        });
        var sent = Assert.Single(_ollama.Requests).Body;
        Assert.Equal(png, Assert.Single(sent["images"]!.AsArray())!.GetValue<string>());
        Assert.Equal("### User:\nWhat is in this picture?\n\n", sent["prompt"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_text_completion_sends_its_prompt_and_suffix_and_gets_a_text_completion()
    {
        var body = Json(await (await Post("/v1/completions", new { model = "llama", prompt = "def compute_gcd(a, b):", suffix = "    return result" })).ReadAsTextAsync());
        var sent = Assert.Single(_ollama.Requests).Body;
        Assert.Equal("def compute_gcd(a, b):", sent["prompt"]!.GetValue<string>());
        Assert.Equal("    return result", sent["suffix"]!.GetValue<string>());

        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal("The sky is blue because of Rayleigh scattering.", body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(26, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        var chunks = Sse.Chunks(await (await Post("/v1/completions", new { model = "llama", prompt = "Hi", stream = true })).ReadAsTextAsync());
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Equal("The sky is blue because of Rayleigh scattering.", string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task tools_on_api_generate_are_refused_with_a_pointer_to_ollama_chat_unless_dropped()
    {
        var tools = new[] { new { type = "function", function = new { name = "get_current_weather", parameters = new { type = "object" } } } };
        var error = await (await Post("/v1/chat/completions", new { model = "llama", tools, messages = new object[] { new { role = "user", content = "Weather?" } } }, status: 400)).OpenAIError(400);
        Assert.Contains("ollama_chat/llama3.2", error.GetProperty("message").GetString());
        Assert.Empty(_ollama.Requests);

        await Post("/v1/chat/completions", new { model = "lenient", tools, messages = new object[] { new { role = "user", content = "Weather?" } } });
        Assert.False(Assert.Single(_ollama.Requests).Body.ContainsKey("tools"));
    }

    [Theory]
    [InlineData("embed")]
    [InlineData("embed-chat-prefix")]
    public async Task embeddings_go_to_api_embed_and_come_back_as_an_openai_list(string model)
    {
        var body = Json(await (await Post("/v1/embeddings", new { model, input = new[] { "Why is the sky blue?", "Why is the grass green?" } })).ReadAsTextAsync());
        var sent = Assert.Single(_ollama.Requests);
        Assert.Equal("/api/embed", sent.Path);
        Assert.Equal(2, sent.Body["input"]!.AsArray().Count);

        Assert.Equal("list", body.GetProperty("object").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(1, data[1].GetProperty("index").GetInt32());
        Assert.Equal(0.010071029, data[0].GetProperty("embedding")[0].GetDouble());
        Assert.Equal(4, data[0].GetProperty("embedding").GetArrayLength());
        Assert.Equal(8, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var e = Assert.Single(await _host.Events<RequestCompleted>());
        Assert.Equal(8, e.PromptTokens);
    }

    [Fact]
    public async Task embeddings_asked_for_as_base64_are_little_endian_float32()
    {
        // The openai SDKs ask for base64 by default and decode it themselves.
        var body = Json(await (await Post("/v1/embeddings", new { model = "embed", input = "Why is the sky blue?", encoding_format = "base64" })).ReadAsTextAsync());
        var bytes = Convert.FromBase64String(body.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(16, bytes.Length);
        Assert.Equal(0.010071029f, BinaryPrimitives.ReadSingleLittleEndian(bytes));
        Assert.Equal(-0.0017594862f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4)));
    }

    [Fact]
    public async Task token_ids_cannot_be_embedded_by_ollama()
    {
        var error = await (await Post("/v1/embeddings", new { model = "embed", input = new[] { 1, 2, 3 } }, status: 400)).OpenAIError(400);
        Assert.Contains("input", error.GetProperty("message").GetString());
        Assert.Empty(_ollama.Requests);
    }
}
