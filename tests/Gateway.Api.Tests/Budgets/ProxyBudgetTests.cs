using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Budgets;

/// <summary><c>litellm_settings.max_budget</c> (the whole proxy) and <c>max_end_user_budget</c> (any end user without their own).</summary>
public sealed class ProxyBudgetTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    /// <summary>One call's cost, measured once on a gateway without limits (the mock's answer is always the same).</summary>
    async Task<decimal> OneCall() => Cost(await Chat(GatewayTestHost.MasterKey));

    [Fact]
    public async Task the_proxy_budget_refuses_every_caller_once_reached_even_the_master_key()
    {
        var oneCall = await OneCall();
        await using var proxy = await GatewayTestHost.StartAsync(Postgres, MockConfigs.WithLitellmSettings($"""
                  max_budget: {oneCall * 2.5m}
                  budget_duration: 30d
                """));

        Assert.Equal(200, (await proxy.Chat(GatewayTestHost.MasterKey, null)).Context.Response.StatusCode);
        Assert.Equal(200, (await proxy.Chat(GatewayTestHost.MasterKey, "someone")).Context.Response.StatusCode);
        var error = await (await proxy.Chat(GatewayTestHost.MasterKey, null)).OpenAIError(400);
        Assert.Equal("budget_exceeded", error.GetProperty("type").GetString());
        Assert.StartsWith("Budget has been exceeded! LiteLLM Proxy Current cost: ", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task every_end_user_without_a_budget_of_their_own_gets_max_end_user_budget()
    {
        var oneCall = await OneCall();
        await using var proxy = await GatewayTestHost.StartAsync(Postgres, MockConfigs.WithLitellmSettings($"""
                  max_end_user_budget: {oneCall * 1.5m}
                """));

        Assert.Equal(200, (await proxy.Chat(GatewayTestHost.MasterKey, "alice")).Context.Response.StatusCode);
        var error = await (await proxy.Chat(GatewayTestHost.MasterKey, "alice")).OpenAIError(400);
        Assert.StartsWith("Budget has been exceeded! End User=alice ", error.GetProperty("message").GetString());
        Assert.Equal(200, (await proxy.Chat(GatewayTestHost.MasterKey, "bob")).Context.Response.StatusCode);
        Assert.Equal(200, (await proxy.Chat(GatewayTestHost.MasterKey, null)).Context.Response.StatusCode);
        Assert.Equal(200, (await proxy.Chat(GatewayTestHost.MasterKey, null)).Context.Response.StatusCode);
    }
}
