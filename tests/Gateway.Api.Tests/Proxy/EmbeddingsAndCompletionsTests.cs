using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Proxy;

public sealed class EmbeddingsAndCompletionsTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    async Task<JsonElement> Post(string url, object body)
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task an_embedding_is_a_deterministic_unit_vector_in_openai_shape()
    {
        var first = await Post("/v1/embeddings", new { model = "mock-embedding", input = "The quick brown fox" });
        var again = await Post("/v1/embeddings", new { model = "mock-embedding", input = "The quick brown fox" });

        Assert.Equal("list", first.GetProperty("object").GetString());
        var data = first.GetProperty("data")[0];
        Assert.Equal("embedding", data.GetProperty("object").GetString());
        var vector = data.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(1536, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => v * v)), 3);
        Assert.Equal(first.GetProperty("data").GetRawText(), again.GetProperty("data").GetRawText());
        Assert.True(first.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task several_inputs_give_several_vectors_and_dimensions_are_honoured()
    {
        var body = await Post("/embeddings", new { model = "mock-embedding", input = new[] { "one", "two", "three" }, dimensions = 8 });
        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.All(data, d => Assert.Equal(8, d.GetProperty("embedding").GetArrayLength()));
        Assert.NotEqual(data[0].GetProperty("embedding").GetRawText(), data[1].GetProperty("embedding").GetRawText());
    }

    [Fact]
    public async Task base64_encoding_carries_the_same_floats_as_the_official_sdk_expects()
    {
        var floats = await Post("/v1/embeddings", new { model = "mock-embedding", input = "encode me", dimensions = 16 });
        var base64 = await Post("/v1/embeddings", new { model = "mock-embedding", input = "encode me", dimensions = 16, encoding_format = "base64" });

        var bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, decoded, 0, bytes.Length);
        var expected = floats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(expected, decoded);
    }

    [Fact]
    public async Task a_legacy_completion_answers_with_text_completion()
    {
        var body = await Post("/v1/completions", new { model = "mock-gpt", prompt = "Say this is a test" });
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Contains("Say this is a test", body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0);
    }
}
