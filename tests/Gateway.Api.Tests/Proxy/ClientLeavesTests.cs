using System.Net.Http.Headers;
using System.Text;
using Gateway.Api.Events;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Proxy;

/// <summary>
/// Over real sockets: a client that hangs up does not take the call's cost with it. The upstream call is cancelled and
/// what it had cost so far is recorded, so the spend matches what the upstream served.
/// </summary>
public sealed class ClientLeavesTests(PostgresFixture postgres)
{
    [Fact]
    public async Task a_client_leaving_before_the_answer_is_charged_for_its_prompt_on_the_deployment_it_reached()
    {
        await using var upstream = await FakeOpenAI.StartAsync();
        await using var gateway = await StartAsync(upstream);
        var ct = TestContext.Current.CancellationToken;

        // Model "slow" answers after 3 s; the client gives up once the upstream has the call.
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var call = Send(gateway, """{"model":"slow","messages":[{"role":"user","content":"Tell me a long story about budgets"}]}""", leaving.Token);
        await Poll.Until(() => !upstream.Requests.IsEmpty, "the call reaching the upstream", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(25));
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        var charged = await RecordedAsync(gateway, ct);
        Assert.Equal(499, charged.Status);
        Assert.Equal("slow", charged.ModelGroup);
        Assert.True(charged.PromptTokens > 0, "the prompt is counted");
        Assert.Equal(0, charged.CompletionTokens);
        Assert.True(charged.UsageEstimated);
        Assert.True(charged.Cost > 0m, "the prompt is charged");
    }

    [Fact]
    public async Task a_client_leaving_mid_stream_is_charged_for_what_was_produced()
    {
        await using var upstream = await FakeOpenAI.StartAsync();
        await using var gateway = await StartAsync(upstream);
        var ct = TestContext.Current.CancellationToken;

        using var http = Client(gateway);
        using var request = Request("""{"model":"gated","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            Assert.Contains("Hello", await reader.ReadLineAsync(ct));
        } // the client hangs up while the upstream holds the rest

        var charged = await RecordedAsync(gateway, ct);
        Assert.Equal(499, charged.Status);
        Assert.True(charged.Stream);
        Assert.True(charged.CompletionTokens >= 1, "the chunk the client got is charged");
        Assert.True(charged.Cost > 0m);
        upstream.Gate.SetResult();
    }

    Task<KestrelGateway> StartAsync(FakeOpenAI upstream) => KestrelGateway.StartAsync(postgres, $"""
        model_list:
          - model_name: slow
            litellm_params: {"{"} model: openai/slow, api_base: "{upstream.BaseUrl}", api_key: k, input_cost_per_token: 0.001, output_cost_per_token: 0.002 {"}"}
          - model_name: gated
            litellm_params: {"{"} model: openai/gated, api_base: "{upstream.BaseUrl}", api_key: k, input_cost_per_token: 0.001, output_cost_per_token: 0.002 {"}"}
        """);

    static HttpClient Client(KestrelGateway gateway) => new() { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

    static HttpRequestMessage Request(string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestHost.MasterKey);
        return request;
    }

    static async Task Send(KestrelGateway gateway, string json, CancellationToken ct)
    {
        using var http = Client(gateway);
        using var request = Request(json);
        using var response = await http.SendAsync(request, ct);
    }

    /// <summary>The one call the gateway recorded, once the event writer has put it in the store.</summary>
    static async Task<RequestCompleted> RecordedAsync(KestrelGateway gateway, CancellationToken ct)
    {
        var store = gateway.Services.GetRequiredService<IDocumentStore>();
        var writer = gateway.Services.GetRequiredService<EventWriter>();
        for (var i = 0; i < 100; i++)
        {
            await writer.WaitUntilPersistedAsync(TimeSpan.FromSeconds(10));
            await using var session = store.QuerySession();
            var recorded = await session.Events.QueryRawEventDataOnly<RequestCompleted>().ToListAsync(ct);
            if (recorded.Count > 0)
                return Assert.Single(recorded);
            await Task.Delay(50, ct);
        }
        Assert.Fail("the abandoned call was never recorded");
        return null!;
    }
}
