using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;

namespace Gateway.Api.Tests.Spend;

public sealed class RequestEventsTests(PostgresFixture postgres)
{
    static readonly string MasterKeyHash =
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(GatewayTestHost.MasterKey)));

    [Fact]
    public async Task n_calls_give_n_request_completed_events_with_the_right_tokens_and_cost()
    {
        await using var host = await GatewayTestHost.StartAsync(postgres);
        const int calls = 12;
        var answers = new List<(int Prompt, int Completion, decimal Cost, string CallId)>();

        for (var i = 0; i < calls; i++)
        {
            var stream = i % 3 == 0;
            var body = new Dictionary<string, object>
            {
                ["model"] = "mock-gpt",
                ["user"] = "customer-7",
                ["messages"] = new[] { new { role = "user", content = $"Question number {i}: {new string('?', i * 7)}" } },
            };
            if (stream)
            {
                body["stream"] = true;
                body["stream_options"] = new { include_usage = true };
            }

            var result = await host.Scenario(s =>
            {
                s.Post.Json(body).ToUrl("/v1/chat/completions");
                s.WithMasterKey();
                s.StatusCodeShouldBeOk();
            });
            var text = await result.ReadAsTextAsync();
            var usage = stream
                ? Sse.Chunks(text)[^1].GetProperty("usage")
                : JsonDocument.Parse(text).RootElement.GetProperty("usage");
            var prompt = usage.GetProperty("prompt_tokens").GetInt32();
            var completion = usage.GetProperty("completion_tokens").GetInt32();
            var cost = stream
                ? CostCalculator.Compute(new TokenUsage(prompt, completion), PriceSheet.Builtin.Find("mock-gpt")!)
                : decimal.Parse(result.Context.Response.Headers["x-litellm-response-cost"]!, CultureInfo.InvariantCulture);
            answers.Add((prompt, completion, cost, result.Context.Response.Headers["x-litellm-call-id"]!));
        }

        var events = await host.Events<RequestCompleted>();
        Assert.Equal(calls, events.Count);

        var price = PriceSheet.Builtin.Find("mock-gpt")!;
        foreach (var answer in answers)
        {
            var e = Assert.Single(events, e => e.RequestId == Guid.Parse(answer.CallId));
            Assert.Equal(answer.Prompt, e.PromptTokens);
            Assert.Equal(answer.Completion, e.CompletionTokens);
            Assert.Equal(answer.Cost, e.Cost);
            Assert.True(e.Cost > 0);
            // Recomputable from what the event itself recorded.
            Assert.Equal(e.Cost, CostCalculator.Compute(new TokenUsage(e.PromptTokens, e.CompletionTokens, e.CachedTokens, e.ReasoningTokens), e.Prices));
            Assert.Equal(price.InputCostPerToken, e.Prices.InputCostPerToken);
            Assert.Equal(PriceSheet.Builtin.Version, e.PriceSheetVersion);
            Assert.Equal("mock-gpt", e.ModelGroup);
            Assert.Equal("mock", e.Provider);
            Assert.Equal(CallTypes.ChatCompletion, e.CallType);
            Assert.Equal("customer-7", e.CustomerId);
            Assert.Equal(MasterKeyHash, e.KeyHash);
            Assert.Equal(200, e.Status);
            Assert.False(e.UsageEstimated);
            Assert.True(e.LatencyMs >= 0);
        }
        Assert.Equal(4, events.Count(e => e.Stream));
        Assert.All(events.Where(e => e.Stream), e => Assert.NotNull(e.TimeToFirstTokenMs));
    }

    [Fact]
    public async Task a_refused_call_by_a_known_caller_is_a_request_failed_event_and_an_unauthenticated_one_is_not_recorded()
    {
        await using var host = await GatewayTestHost.StartAsync(postgres);

        await host.Scenario(s =>
        {
            s.Post.Json(new { model = "no-such-model", messages = new[] { new { role = "user", content = "hi" } } }).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBe(400);
        });
        await host.Scenario(s =>
        {
            s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = "hi" } } }).ToUrl("/v1/chat/completions");
            s.StatusCodeShouldBe(401);
        });

        var failed = Assert.Single(await host.Events<RequestFailed>());
        Assert.Equal(400, failed.Status);
        Assert.Equal("no-such-model", failed.ModelGroup);
        Assert.Null(failed.DeploymentId);
        Assert.Empty(await host.Events<RequestCompleted>());
    }

    [Fact]
    public async Task embeddings_are_recorded_with_their_call_type_and_input_cost()
    {
        await using var host = await GatewayTestHost.StartAsync(postgres);
        await host.Scenario(s =>
        {
            s.Post.Json(new { model = "mock-embedding", input = new[] { "a", "b" } }).ToUrl("/v1/embeddings");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });

        var e = Assert.Single(await host.Events<RequestCompleted>());
        Assert.Equal(CallTypes.Embedding, e.CallType);
        Assert.Equal(0, e.CompletionTokens);
        Assert.True(e.Cost > 0);
    }
}
