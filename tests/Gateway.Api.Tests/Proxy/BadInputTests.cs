using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Proxy;

public sealed class BadInputTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    async Task<System.Text.Json.JsonElement> Send(string body, int status, string url = "/v1/chat/completions")
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl(url);
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithMasterKey();
            s.StatusCodeShouldBe(status);
        });
        return await result.OpenAIError(status);
    }

    [Fact]
    public async Task an_unknown_model_is_a_400_that_points_to_the_model_list()
    {
        var error = await Send("""{"model":"gpt-nonexistent","messages":[{"role":"user","content":"hi"}]}""", 400);
        Assert.Equal("Invalid model name passed in model=gpt-nonexistent. Call `/v1/models` to view available models for your key.",
            error.GetProperty("message").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("{\"model\": \"mock-gpt\", \"messages\": [")]
    [InlineData("not json at all")]
    [InlineData("{\"model\":\"mock-gpt\"} trailing")]
    [InlineData("")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    public async Task malformed_json_is_a_400_never_a_500(string body)
    {
        var error = await Send(body, 400);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":42,"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"mock-gpt","messages":"hello"}""", "messages")]
    [InlineData("""{"model":"mock-gpt","messages":[]}""", "messages")]
    [InlineData("""{"model":"mock-gpt","messages":["hi"]}""", "messages[0]")]
    [InlineData("""{"model":"mock-gpt","messages":[{"content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"mock-gpt"}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"max_tokens":"ten"}""", "max_tokens")]
    [InlineData("""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"n":0}""", "n")]
    [InlineData("""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":"yes"}}""", "stream_options.include_usage")]
    public async Task a_field_of_the_wrong_shape_is_a_400_that_names_it(string body, string field)
    {
        var error = await Send(body, 400);
        Assert.Equal(field, error.GetProperty("param").GetString());
        Assert.Contains($"'{field}'", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task embeddings_need_an_input()
    {
        var error = await Send("""{"model":"mock-embedding","input":[]}""", 400, "/v1/embeddings");
        Assert.Equal("input", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task nesting_beyond_the_limit_is_a_400()
    {
        var deep = new string('[', 200) + new string(']', 200);
        await Send($$"""{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}],"x":{{deep}}}""", 400);
    }

    [Fact]
    public async Task invalid_utf8_is_a_400()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            var bytes = "{\"model\":\"mock-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi"u8.ToArray()
                .Concat(new byte[] { 0xC3, 0x28 }).Concat("\"}]}"u8.ToArray()).ToArray();
            s.Post.ByteArray(bytes).ToUrl("/v1/chat/completions");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithMasterKey();
            s.StatusCodeShouldBe(400);
        });
        await result.OpenAIError(400);
    }

    [Fact]
    public async Task an_unknown_api_route_is_an_openai_shaped_404()
    {
        var result = await gateway.Host.Scenario(s =>
        {
            s.Post.Text("{}").ToUrl("/v1/not-a-route");
            s.WithMasterKey();
            s.StatusCodeShouldBe(404);
        });
        await result.OpenAIError(404);
    }
}
