using System.Text;
using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Proxy;

public sealed class StreamingTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    async Task<(IScenarioResult Result, IReadOnlyList<JsonElement> Chunks)> Stream(object body, string url = "/v1/chat/completions")
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
        Assert.StartsWith("text/event-stream", result.Context.Response.ContentType);
        return (result, Sse.Chunks(await result.ReadAsTextAsync()));
    }

    static string Content(IEnumerable<JsonElement> chunks)
    {
        var text = new StringBuilder();
        foreach (var chunk in chunks)
            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
                if (choice.GetProperty("delta").TryGetProperty("content", out var content))
                    text.Append(content.GetString());
        return text.ToString();
    }

    [Fact]
    public async Task a_stream_arrives_in_several_chunks_that_add_up_to_the_non_streamed_answer()
    {
        var question = "Stream me a sentence about the sea, please.";
        var (_, chunks) = await Stream(new
        {
            model = "mock-gpt", stream = true,
            messages = new[] { new { role = "user", content = question } },
        });

        Assert.True(chunks.Count >= 4, $"expected several chunks, got {chunks.Count}");
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.DoesNotContain(chunks, c => c.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object);

        var whole = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = question } } }).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
        });
        var expected = JsonDocument.Parse(await whole.ReadAsTextAsync()).RootElement
            .GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        Assert.Equal(expected, Content(chunks));
    }

    [Fact]
    public async Task include_usage_adds_a_final_usage_chunk_with_no_choices()
    {
        var (_, chunks) = await Stream(new
        {
            model = "mock-gpt", stream = true, stream_options = new { include_usage = true },
            messages = new[] { new { role = "user", content = "Count my tokens." } },
        });

        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        var usage = last.GetProperty("usage");
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Single(chunks, c => c.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object);
    }

    [Fact]
    public async Task streamed_usage_matches_the_usage_of_the_same_call_unstreamed()
    {
        var messages = new[] { new { role = "user", content = "Same question both ways." } };
        var (_, chunks) = await Stream(new { model = "mock-gpt", stream = true, stream_options = new { include_usage = true }, messages });
        var whole = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(new { model = "mock-gpt", messages }).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
        });
        var usage = JsonDocument.Parse(await whole.ReadAsTextAsync()).RootElement.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), chunks[^1].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task a_legacy_completion_streams_text_completion_chunks()
    {
        var (_, chunks) = await Stream(new { model = "mock-gpt", prompt = "Once upon a time", stream = true }, "/v1/completions");
        Assert.True(chunks.Count >= 2);
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.Contains("Once upon a time", text);
    }
}
