using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Providers.Ollama;

/// <summary><c>ollama/&lt;model&gt;</c>: Ollama's OpenAI-compatible API under <c>/v1</c> of the server root given as api_base.</summary>
public sealed class OllamaOpenAICompatibleTests(PostgresFixture postgres) : IAsyncLifetime
{
    FakeOpenAI _ollama = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _ollama = await FakeOpenAI.StartAsync();
        var root = _ollama.BaseUrl.ToString().TrimEnd('/')[..^"/v1".Length];
        _host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: llama
                litellm_params: { model: ollama/llama3.2, api_base: "{{root}}" }
              - model_name: llama-v1
                litellm_params: { model: ollama/llama3.2, api_base: "{{root}}/v1/" }
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("llama-v1")]
    public async Task a_chat_goes_to_v1_chat_completions_under_the_server_root_with_tools_intact(string model)
    {
        var tools = new[] { new { type = "function", function = new { name = "weather", parameters = new { type = "object" } } } };
        var result = await _host.Scenario(s =>
        {
            s.Post.Json(new { model, messages = new[] { new { role = "user", content = "Hi" } }, tools }).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBe(200);
        });

        var sent = Assert.Single(_ollama.Requests);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("llama3.2", sent.Body["model"]!.GetValue<string>());
        Assert.Equal("weather", sent.Body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        Assert.Equal("Hello from the fake upstream!", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }
}
