using System.Text.Json;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Gemini;

/// <summary><c>gemini/</c> streams: <c>:streamGenerateContent?alt=sse</c> events as OpenAI chunks.</summary>
public sealed class GeminiStreamTests(PostgresFixture postgres) : GeminiGateway(postgres)
{
    static IEnumerable<JsonElement> Choices(IEnumerable<JsonElement> chunks) => chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray());

    static string Text(IEnumerable<JsonElement> chunks, string field = "content", int index = 0) => string.Concat(Choices(chunks)
        .Where(c => c.GetProperty("index").GetInt32() == index)
        .Select(c => c.GetProperty("delta").TryGetProperty(field, out var t) ? t.GetString() : ""));

    static string? Finish(IEnumerable<JsonElement> chunks, int index = 0) => Choices(chunks)
        .Where(c => c.GetProperty("index").GetInt32() == index && c.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
        .Select(c => c.GetProperty("finish_reason").GetString()).Single();

    [Fact]
    public async Task a_stream_goes_to_stream_generate_content_with_alt_sse_and_comes_back_as_openai_chunks()
    {
        var chunks = Sse.Chunks(await (await Chat(new { model = "flash", messages = Hello, stream = true })).ReadAsTextAsync());

        var sent = Assert.Single(Upstream.Requests);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent", sent.Path);
        Assert.Equal("?alt=sse", sent.Query);
        Assert.Equal(FakeGemini.ApiKey, sent.Headers["x-goog-api-key"]);

        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Single(Choices(chunks), c => c.GetProperty("delta").TryGetProperty("role", out _));
        Assert.True(chunks.Count > 3, "Gemini's pieces arrive as separate chunks");
        Assert.Equal(FakeGemini.Answer, Text(chunks));
        Assert.Equal("stop", Finish(chunks));
        Assert.DoesNotContain(chunks, c => c.TryGetProperty("usage", out _)); // the client did not ask for it

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        var words = FakeGemini.Answer.Split(' ').Length;
        Assert.Equal((FakeGemini.PromptTokens, words, true, false), (e.PromptTokens, e.CompletionTokens, e.Stream, e.UsageEstimated));
        Assert.Equal(FakeGemini.PromptTokens * 0.000001m + words * 0.000002m, e.Cost);
    }

    [Fact]
    public async Task a_client_that_asks_for_stream_usage_gets_the_final_usage_with_thoughts_and_cached_tokens()
        => await Usage("gemini-2.5-cached", cached: FakeGemini.CachedTokens);

    [Fact]
    public async Task streamed_thoughts_arrive_as_reasoning_content_and_count_as_output()
        => await Usage("flash", cached: 0, reasoning: true);

    async Task Usage(string model, int cached, bool reasoning = false)
    {
        var chunks = Sse.Chunks(await (await Chat(reasoning
            ? new { model, messages = Hello, stream = true, stream_options = new { include_usage = true }, reasoning_effort = (string?)"high" }
            : new { model, messages = Hello, stream = true, stream_options = new { include_usage = true }, reasoning_effort = (string?)null })).ReadAsTextAsync());
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        var usage = last.GetProperty("usage");
        var thoughts = reasoning ? FakeGemini.ThoughtTokens : 0;
        var words = FakeGemini.Answer.Split(' ').Length;
        Assert.Equal((FakeGemini.PromptTokens, words + thoughts, FakeGemini.PromptTokens + words + thoughts),
            (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));
        Assert.Equal(cached, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(thoughts, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Single(chunks, c => c.TryGetProperty("usage", out _));
        if (reasoning)
        {
            Assert.Equal(FakeGemini.Thought, Text(chunks, "reasoning_content"));
            Assert.Equal(FakeGemini.Answer, Text(chunks));
        }

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal((words + thoughts, thoughts, cached), (e.CompletionTokens, e.ReasoningTokens, e.CachedTokens));
    }

    [Fact]
    public async Task a_streamed_function_call_arrives_as_one_indexed_tool_call_delta()
    {
        var chunks = Sse.Chunks(await (await Chat(new
        {
            model = "flash", tools = WeatherTools, stream = true,
            messages = new object[] { new { role = "user", content = "What is the weather in Paris?" } },
        })).ReadAsTextAsync());
        var call = Choices(chunks).Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("delta").GetProperty("tool_calls")).Single().EnumerateArray().Single();
        Assert.Equal(0, call.GetProperty("index").GetInt32());
        Assert.StartsWith("call_", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_current_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris, FR", Json(call.GetProperty("function").GetProperty("arguments").GetString()!).GetProperty("location").GetString());
        Assert.Equal("tool_calls", Finish(chunks)); // Gemini says STOP; OpenAI clients look for tool_calls
    }

    [Fact]
    public async Task several_candidates_stream_side_by_side()
    {
        var chunks = Sse.Chunks(await (await Chat(new { model = "flash", messages = Hello, stream = true, n = 2 })).ReadAsTextAsync());
        Assert.Equal(FakeGemini.Answer, Text(chunks, index: 0));
        Assert.Equal(FakeGemini.Answer + " (take 2)", Text(chunks, index: 1));
        Assert.Equal(("stop", "stop"), (Finish(chunks, 0), Finish(chunks, 1)));
    }

    [Fact]
    public async Task a_length_stop_in_a_stream_is_length()
    {
        var chunks = Sse.Chunks(await (await Chat(new { model = "flash", messages = Hello, stream = true, max_tokens = 2 })).ReadAsTextAsync());
        Assert.Equal("The sky", Text(chunks));
        Assert.Equal("length", Finish(chunks));
    }

    [Fact]
    public async Task a_safety_stop_in_a_stream_is_content_filter()
    {
        var chunks = Sse.Chunks(await (await Chat(new { model = "gemini-unsafe", messages = Hello, stream = true })).ReadAsTextAsync());
        Assert.Equal("", Text(chunks));
        Assert.Equal("content_filter", Finish(chunks));
    }

    [Fact]
    public async Task a_blocked_prompt_in_a_stream_is_content_filter()
    {
        var chunks = Sse.Chunks(await (await Chat(new { model = "gemini-blocked", messages = Hello, stream = true })).ReadAsTextAsync());
        Assert.Equal("content_filter", Finish(chunks));
        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal(FakeGemini.PromptTokens, e.PromptTokens);
    }

    [Fact]
    public async Task an_error_event_mid_stream_ends_the_stream_with_an_error_event_and_charges_what_was_produced()
    {
        var data = Sse.Data(await (await Chat(new { model = "gemini-breaks", messages = Hello, stream = true })).ReadAsTextAsync());
        var chunks = data.Where(d => d.Contains("chat.completion.chunk")).Select(Json).ToList();
        Assert.Equal("The sky", Text(chunks));
        var error = Json(data[^1]).GetProperty("error");
        Assert.Contains("An internal error has occurred", error.GetProperty("message").GetString());
        Assert.Contains("INTERNAL", error.GetProperty("message").GetString());

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        // Gemini's last usage before the break says what was produced; the client, who did not ask for usage, sees none.
        Assert.Equal((FakeGemini.PromptTokens, 2, false), (e.PromptTokens, e.CompletionTokens, e.UsageEstimated));
        Assert.DoesNotContain(data, d => d.Contains("\"usage\""));
    }

    [Fact]
    public async Task an_error_before_the_stream_starts_is_an_ordinary_error_response()
    {
        var error = await (await Chat(new { model = "gemini-overloaded", messages = Hello, stream = true }, 503)).OpenAIError(503);
        Assert.Contains("overloaded", error.GetProperty("message").GetString());
    }
}
