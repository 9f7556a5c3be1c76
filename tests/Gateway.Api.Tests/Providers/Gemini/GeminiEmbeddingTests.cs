using System.Buffers.Binary;
using Gateway.Api.Providers.Tokens;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Providers.Gemini;

/// <summary><c>gemini/</c> embeddings through <c>:batchEmbedContents</c>.</summary>
public sealed class GeminiEmbeddingTests(PostgresFixture postgres) : GeminiGateway(postgres)
{
    Task<Alba.IScenarioResult> Embed(object body, int status = 200) => Post("/v1/embeddings", body, status);

    [Fact]
    public async Task each_input_is_one_request_of_a_batch_and_comes_back_as_an_openai_list()
    {
        string[] input = ["The sky is blue.", "Grass is green."];
        var body = await Json(await Embed(new { model = "text-embedding-004", input }));

        var sent = Assert.Single(Upstream.Requests);
        Assert.Equal("/v1beta/models/text-embedding-004:batchEmbedContents", sent.Path);
        Assert.Equal(FakeGemini.ApiKey, sent.Headers["x-goog-api-key"]);
        var requests = sent.Body["requests"]!.AsArray();
        Assert.Equal(["models/text-embedding-004", "models/text-embedding-004"], requests.Select(r => r!["model"]!.GetValue<string>()));
        Assert.Equal(input, requests.Select(r => r!["content"]!["parts"]![0]!["text"]!.GetValue<string>()));

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("text-embedding-004", body.GetProperty("model").GetString());
        var data = body.GetProperty("data");
        Assert.Equal([0, 1], data.EnumerateArray().Select(d => d.GetProperty("index").GetInt32()));
        Assert.All(data.EnumerateArray(), d => Assert.Equal("embedding", d.GetProperty("object").GetString()));
        Assert.Equal(0.5, data[1].GetProperty("embedding")[0].GetDouble());
        Assert.Equal(4, data[0].GetProperty("embedding").GetArrayLength());

        // Gemini counts no tokens here: the usage is the input counted by the tokenizer, as LiteLLM counts it.
        var expected = input.Sum(text => TokenCounter.Shared.Count(text.AsSpan(), "text-embedding-004"));
        Assert.Equal(expected, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var e = Assert.Single(await Host.Events<RequestCompleted>());
        Assert.Equal((expected, 0), (e.PromptTokens, e.CompletionTokens));
    }

    [Fact]
    public async Task dimensions_and_task_type_go_along_with_each_request()
    {
        var body = await Json(await Embed(new { model = "gemini-embedding-001", input = "The sky is blue.", dimensions = 8, task_type = "RETRIEVAL_DOCUMENT" }));
        var request = Upstream.Requests.Single().Body["requests"]![0]!;
        Assert.Equal(8, request["outputDimensionality"]!.GetValue<int>());
        Assert.Equal("RETRIEVAL_DOCUMENT", request["taskType"]!.GetValue<string>());
        Assert.Equal(8, body.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());
    }

    [Fact]
    public async Task base64_encoding_gives_little_endian_floats()
    {
        var body = await Json(await Embed(new { model = "text-embedding-004", input = "The sky is blue.", encoding_format = "base64" }));
        var bytes = Convert.FromBase64String(body.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(16, bytes.Length);
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes));
        Assert.Equal(0.26f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4)), 0.0001f);
    }

    [Fact]
    public async Task token_ids_cannot_be_embedded_by_gemini()
    {
        var error = await (await Embed(new { model = "text-embedding-004", input = new[] { 101, 2023 } }, 400)).OpenAIError(400);
        Assert.Equal("input", error.GetProperty("param").GetString());
        Assert.Empty(Upstream.Requests);
    }
}
