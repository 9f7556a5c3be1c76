using System.Globalization;
using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Marten.Events;

namespace Gateway.Api.Tests.Admin;

public sealed class KeyInfoTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    async Task<JsonElement> Info(string caller, string? key, int status = 200)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(key is null ? "/key/info" : $"/key/info?key={Uri.EscapeDataString(key)}");
            s.WithRequestHeader("Authorization", $"Bearer {caller}");
            s.StatusCodeShouldBe(status);
        });
        return status == 200 ? JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone() : await result.OpenAIError(status);
    }

    [Fact]
    public async Task spend_equals_the_sum_of_the_costs_charged()
    {
        var (key, _) = await Host.IssuedKey(k => k with { KeyAlias = "spender", MaxBudget = 50m });
        var charged = 0m;
        for (var i = 0; i < 5; i++)
        {
            var result = await Host.Scenario(s =>
            {
                s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = $"call {i} {new string('x', i * 40)}" } } }).ToUrl("/v1/chat/completions");
                s.WithRequestHeader("Authorization", $"Bearer {key}");
            });
            charged += decimal.Parse(result.Context.Response.Headers["x-litellm-response-cost"]!, CultureInfo.InvariantCulture);
        }
        await Host.EventsPersisted();
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var info = (await Info(GatewayTestHost.MasterKey, key)).GetProperty("info");
        Assert.Equal(charged, info.GetProperty("spend").GetDecimal());
        Assert.Equal(charged, info.GetProperty("model_spend").GetProperty("mock-gpt").GetDecimal());
        Assert.Equal("spender", info.GetProperty("key_alias").GetString());
        Assert.Equal(50m, info.GetProperty("max_budget").GetDecimal());
        Assert.DoesNotContain(key, info.GetRawText());
    }

    [Fact]
    public async Task a_key_reads_its_own_info_but_not_another_keys()
    {
        var (mine, _) = await Host.IssuedKey(k => k with { KeyAlias = "mine" });
        var (other, _) = await Host.IssuedKey();

        Assert.Equal("mine", (await Info(mine, null)).GetProperty("info").GetProperty("key_alias").GetString());
        Assert.Equal("mine", (await Info(mine, mine)).GetProperty("info").GetProperty("key_alias").GetString());
        await Info(mine, other, 403);
        await Info(GatewayTestHost.MasterKey, "sk-no-such-key-0000", 404);
    }
}
