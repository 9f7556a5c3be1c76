using System.Net.Http.Headers;
using System.Text;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Providers;

/// <summary>Over real sockets: a streamed chunk reaches the client while the upstream is still producing the rest.</summary>
public sealed class StreamPassThroughTests(PostgresFixture postgres)
{
    [Fact]
    public async Task a_chunk_reaches_the_client_before_the_upstream_sends_the_next()
    {
        await using var upstream = await FakeOpenAI.StartAsync();
        await using var gateway = await KestrelGateway.StartAsync(postgres, $"""
            model_list:
              - model_name: gated
                litellm_params: {"{"} model: openai/gated, api_base: "{upstream.BaseUrl}", api_key: k {"}"}
            """);

        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gated","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestHost.MasterKey);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));

        // The upstream is held after its first chunk: the client must already have it.
        var first = await reader.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.StartsWith("data: ", first);
        Assert.Contains("Hello", first);
        Assert.False(upstream.Gate.Task.IsCompleted);

        upstream.Gate.SetResult();
        var rest = await reader.ReadToEndAsync(ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Contains(" upstream!", rest);
        Assert.EndsWith("data: [DONE]\n\n", rest);
    }
}
