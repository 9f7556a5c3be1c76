using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Providers.Gemini;

/// <summary>Google's error JSON from <c>gemini/</c> deployments as the gateway's OpenAI-shaped errors, mapped as LiteLLM maps them.</summary>
public sealed class GeminiErrorTests(PostgresFixture postgres) : GeminiGateway(postgres)
{
    [Fact]
    public async Task resource_exhausted_is_a_429_that_keeps_googles_retry_delay()
    {
        var result = await Chat(new { model = "gemini-quota", messages = Hello }, 429);
        var error = await result.OpenAIError(429);
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Contains("RESOURCE_EXHAUSTED", error.GetProperty("message").GetString());
        Assert.Contains("exceeded your current quota", error.GetProperty("message").GetString());
        Assert.Equal("37", result.Context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task an_input_beyond_the_context_window_is_a_context_window_error()
    {
        var error = await (await Chat(new { model = "gemini-too-long", messages = Hello }, 400)).OpenAIError(400);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.StartsWith("litellm.ContextWindowExceededError:", error.GetProperty("message").GetString());
        Assert.Contains("exceeds the maximum number of tokens allowed", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task an_overloaded_model_is_a_503()
    {
        var error = await (await Chat(new { model = "gemini-overloaded", messages = Hello }, 503)).OpenAIError(503);
        Assert.Contains("The model is overloaded", error.GetProperty("message").GetString());
        Assert.Contains("UNAVAILABLE", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task deadline_exceeded_is_a_timeout()
    {
        var error = await (await Chat(new { model = "gemini-slow", messages = Hello }, 408)).OpenAIError(408);
        Assert.Equal("timeout", error.GetProperty("type").GetString());
        Assert.Contains("DEADLINE_EXCEEDED", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task an_invalid_key_which_google_reports_as_a_400_is_an_authentication_error()
    {
        var error = await (await Chat(new { model = "wrong-key", messages = Hello }, 401)).OpenAIError(401);
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Contains("API key not valid", error.GetProperty("message").GetString());
        Assert.Equal("AIzaNotTheKey", Upstream.Requests.Single().Headers["x-goog-api-key"]);
    }

    [Fact]
    public async Task an_unknown_model_is_a_404()
    {
        var error = await (await Chat(new { model = "gemini-missing", messages = Hello }, 404)).OpenAIError(404);
        Assert.Contains("models/gemini-missing is not found", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task a_request_gemini_refuses_is_a_400_with_googles_reason()
    {
        // Gemini 3 refuses a thinking budget and level together; the client asked for both.
        var error = await (await Chat(new
        {
            model = "gemini-3-pro-preview", messages = Hello,
            thinking_config = new { thinkingBudget = 1024, thinkingLevel = "high" },
        }, 400)).OpenAIError(400);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("INVALID_ARGUMENT", error.GetProperty("message").GetString());
        Assert.Contains("thinking budget and thinking level", error.GetProperty("message").GetString());
    }
}

/// <summary>A <c>gemini/</c> deployment with no key at all, pointed at Google itself.</summary>
public sealed class GeminiWithoutKeyTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    protected override string ConfigYaml => """
        model_list:
          - model_name: keyless
            litellm_params: { model: gemini/gemini-2.5-flash }
        """;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["GEMINI_API_KEY"] = "", ["GOOGLE_API_KEY"] = "", ["GEMINI_API_BASE"] = "" };

    [Fact]
    public async Task a_call_without_a_key_is_refused_before_it_reaches_google()
    {
        var error = await Send(s => s.Post.Json(new { model = "keyless", messages = new[] { new { role = "user", content = "Hi" } } }).ToUrl("/v1/chat/completions"), 401);
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Contains("GEMINI_API_KEY", error.GetProperty("message").GetString());
    }
}
