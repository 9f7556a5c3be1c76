using System.Globalization;
using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Budgets;

public sealed class KeyBudgetTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    [Fact]
    public async Task a_burst_of_32_concurrent_calls_never_takes_spend_above_the_budget()
    {
        var oneCall = Cost(await Chat(GatewayTestHost.MasterKey));
        var budget = oneCall * 3.5m;
        var (key, _) = await Host.IssuedKey(k => k with { MaxBudget = budget });

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Chat(key)));

        var served = results.Where(r => r.Context.Response.StatusCode == 200).ToList();
        var refused = results.Where(r => r.Context.Response.StatusCode == 400).ToList();
        Assert.Equal(32, served.Count + refused.Count);
        Assert.InRange(served.Count, 1, 3);
        Assert.True(served.Sum(Cost) <= budget, $"served {served.Count} calls costing {served.Sum(Cost)} against {budget}");
        foreach (var refusal in refused)
        {
            var error = await refusal.OpenAIError(400);
            Assert.Equal("budget_exceeded", error.GetProperty("type").GetString());
            Assert.StartsWith("Budget has been exceeded! Current cost: ", error.GetProperty("message").GetString());
        }

        // The recorded spend agrees: every served call is an event, and nothing more was charged.
        var completed = (await Host.Events<RequestCompleted>()).Where(e => e.KeyHash == Gateway.Domain.Keys.KeyPlaintext.Hash(key)).ToList();
        Assert.Equal(served.Count, completed.Count);
        Assert.True(completed.Sum(e => e.Cost) <= budget);
    }

    [Fact]
    public async Task the_spend_and_budget_headers_follow_each_call_until_the_budget_refuses()
    {
        var oneCall = Cost(await Chat(GatewayTestHost.MasterKey));
        var (key, _) = await Host.IssuedKey(k => k with { MaxBudget = oneCall * 2.5m });

        var first = await Chat(key);
        Assert.Equal(200, first.Context.Response.StatusCode);
        Assert.Equal(Cost(first), decimal.Parse(first.Context.Response.Headers["x-litellm-key-spend"]!, CultureInfo.InvariantCulture));
        Assert.Equal(oneCall * 2.5m, decimal.Parse(first.Context.Response.Headers["x-litellm-key-max-budget"]!, CultureInfo.InvariantCulture));

        var second = await Chat(key);
        Assert.Equal(200, second.Context.Response.StatusCode);
        Assert.Equal(Cost(first) + Cost(second), decimal.Parse(second.Context.Response.Headers["x-litellm-key-spend"]!, CultureInfo.InvariantCulture));

        var third = await Chat(key);
        Assert.Equal(400, third.Context.Response.StatusCode);
        Assert.Single(await Host.Events<RequestFailed>(), e => e.ErrorType == "budget_exceeded");
    }

    [Fact]
    public async Task a_call_too_dear_by_its_byte_bound_is_still_served_when_its_counted_tokens_fit()
    {
        // The reservation first bounds the prompt by its bytes; a budget between that and the counted worst case must
        // still let the call through (the tokens are counted before refusing).
        var deployment = Host.Services.GetRequiredService<Gateway.Api.Routing.DeploymentCatalog>().Current.Find("mock-gpt")!.Deployments[0];
        using var body = Gateway.Api.Proxy.RequestBody.From(JsonSerializer.SerializeToUtf8Bytes(new
        {
            model = "mock-gpt",
            messages = new[] { new { role = "user", content = "Tell me about budgets in exactly these words please" } },
        }));
        var request = Gateway.Api.Proxy.ProxyRequest.Parse(Gateway.Api.Proxy.OpenAIEndpoint.ChatCompletions, body, out _)!;
        decimal WorstCase(int prompt) => Gateway.Domain.Pricing.CostCalculator.Compute(new Gateway.Domain.Pricing.TokenUsage(prompt, 20), deployment.Price);
        var counted = WorstCase(Gateway.Api.Providers.Tokens.TokenCounter.Shared.CountPrompt(request, deployment.UpstreamModel));
        var bounded = WorstCase(Gateway.Api.Providers.Tokens.TokenCounter.PromptTokensAtMost(request));
        Assert.True(bounded > counted);
        var (key, _) = await Host.IssuedKey(k => k with { MaxBudget = (counted + bounded) / 2 });

        var served = await Chat(key);

        Assert.Equal(200, served.Context.Response.StatusCode);
    }

    [Fact]
    public async Task a_key_without_a_budget_is_never_refused_for_cost()
    {
        var (key, _) = await Host.IssuedKey();
        for (var i = 0; i < 5; i++)
            Assert.Equal(200, (await Chat(key)).Context.Response.StatusCode);
    }

    [Fact]
    public async Task regenerating_a_key_keeps_its_spend_and_its_budget_even_after_a_restart()
    {
        var oneCall = Cost(await Chat(GatewayTestHost.MasterKey));
        var old = (await Host.AdminPost("/key/generate", new { max_budget = oneCall * 2.5m })).GetProperty("key").GetString()!;
        Assert.Equal(200, (await Chat(old)).Context.Response.StatusCode);

        var regenerated = (await Host.AdminPost("/key/regenerate", new { key = old })).GetProperty("key").GetString()!;
        Assert.NotEqual(old, regenerated);
        Assert.Equal(200, (await Chat(regenerated)).Context.Response.StatusCode);
        Assert.Equal(400, (await Chat(regenerated)).Context.Response.StatusCode);
        await Host.EventsPersisted();

        var info = (await Send(s => s.Get.Url($"/key/info?key={regenerated}"), 200)).GetProperty("info");
        Assert.Equal(2 * oneCall, info.GetProperty("spend").GetDecimal());

        await using var restarted = await GatewayTestHost.StartAsync(Postgres, settings: new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = Host.Services.GetRequiredService<Gateway.Api.Hosting.GatewaySettings>().DatabaseUrl,
        });
        Assert.Equal(400, (await restarted.Chat(regenerated)).Context.Response.StatusCode);
    }
}
