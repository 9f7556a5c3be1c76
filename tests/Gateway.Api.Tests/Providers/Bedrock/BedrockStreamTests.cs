using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>Streamed chat through ConverseStream: AWS's binary event stream in, OpenAI SSE chunks out.</summary>
public sealed class BedrockStreamTests(PostgresFixture postgres) : BedrockGateway(postgres)
{
    static JsonObject Streamed(string? json = null, bool includeUsage = false)
    {
        var body = json is null ? new JsonObject() : Body(json);
        body["stream"] = true;
        if (includeUsage)
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        return body;
    }

    async Task<IReadOnlyList<JsonElement>> StreamChunks(string model, JsonObject body)
    {
        var result = await Chat(model, body);
        Assert.StartsWith("text/event-stream", result.Context.Response.ContentType);
        return Sse.Chunks(await result.ReadAsTextAsync());
    }

    static string Text(IEnumerable<JsonElement> chunks) => string.Concat(chunks
        .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
        .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
        .Select(d => d.TryGetProperty("content", out var content) ? content.GetString() : ""));

    [Fact]
    public async Task a_streamed_answer_arrives_as_openai_chunks_ending_with_the_finish_reason_and_usage()
    {
        var chunks = await StreamChunks("claude", Streamed(includeUsage: true));

        var sent = SingleRequest();
        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream", sent.RawPath);
        Assert.Equal("application/json", sent.Headers["content-type"]);

        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("Hello from the fake Bedrock!", Text(chunks));

        var finish = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());
        Assert.All(chunks.SkipLast(2), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));

        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal(18, last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, last.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(4, last.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task a_client_that_did_not_ask_for_usage_gets_none_but_the_call_is_charged_from_bedrock_metadata()
    {
        var chunks = await StreamChunks("claude", Streamed());
        Assert.DoesNotContain(chunks, c => c.GetProperty("choices").GetArrayLength() == 0);

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.True(e.Stream);
        Assert.False(e.UsageEstimated);
        Assert.Equal((18, 7, 4), (e.PromptTokens, e.CompletionTokens, e.CachedTokens));
        // Custom input/output prices; cache reads and writes at the sheet's Bedrock Claude rates (LiteLLM merges them).
        Assert.Equal(12 * 0.000003m + 4 * 0.0000003m + 2 * 0.00000375m + 7 * 0.000015m, e.Cost);
    }

    [Fact]
    public async Task streamed_tool_calls_carry_id_and_name_first_then_the_arguments_in_pieces()
    {
        var chunks = await StreamChunks("claude", Streamed("""
            {"messages":[{"role":"user","content":"Weather in Paris?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
            """, includeUsage: true));

        var deltas = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("tool_calls", out _))
            .Select(d => d.GetProperty("tool_calls")[0])
            .ToList();

        Assert.True(deltas.Count >= 3, "the call's start and at least two argument pieces");
        var start = deltas[0];
        Assert.Equal(0, start.GetProperty("index").GetInt32());
        Assert.Equal("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", start.GetProperty("id").GetString());
        Assert.Equal("function", start.GetProperty("type").GetString());
        Assert.Equal("get_weather", start.GetProperty("function").GetProperty("name").GetString());
        Assert.All(deltas.Skip(1), d => Assert.False(d.TryGetProperty("id", out _)));
        Assert.All(deltas, d => Assert.Equal(0, d.GetProperty("index").GetInt32()));

        var arguments = string.Concat(deltas.Select(d => d.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("""{"city":"Paris","unit":"celsius"}""", arguments);
        Assert.Equal("Let me check the weather.", Text(chunks));
        Assert.Equal("tool_calls", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task a_streamed_json_mode_answer_arrives_as_content()
    {
        var chunks = await StreamChunks("claude", Streamed("""
            {"messages":[{"role":"user","content":"Who?"}],"response_format":{"type":"json_object"}}
            """));

        Assert.DoesNotContain(chunks, c => c.GetProperty("choices").GetArrayLength() > 0
                                           && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out _));
        Assert.Equal("Ada", JsonDocument.Parse(Text(chunks)).RootElement.GetProperty("name").GetString());
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task a_throttling_exception_in_the_stream_ends_it_with_an_openai_error_event()
    {
        var result = await Chat("stream-throttled", Streamed());
        var data = Sse.Data(await result.ReadAsTextAsync());

        Assert.Equal("Hello from", Text(data.Where(d => d.Contains("chat.completion.chunk")).Select(d => JsonDocument.Parse(d).RootElement)));
        var error = JsonDocument.Parse(data[^1]).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Contains("throttlingException", error.GetProperty("message").GetString());
        Assert.DoesNotContain("[DONE]", data);

        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal(429, e.Status);
    }

    [Fact]
    public async Task a_frame_that_fails_its_crc_ends_the_stream_with_an_error_event()
    {
        var result = await Chat("stream-corrupt", Streamed());
        var data = Sse.Data(await result.ReadAsTextAsync());

        var error = JsonDocument.Parse(data[^1]).RootElement.GetProperty("error");
        Assert.Contains("CRC", error.GetProperty("message").GetString());
        Assert.Equal("Hello from", Text(data.SkipLast(1).Select(d => JsonDocument.Parse(d).RootElement)));
    }
}
