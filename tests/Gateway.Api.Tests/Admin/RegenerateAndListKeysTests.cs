using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Keys;

namespace Gateway.Api.Tests.Admin;

public sealed class RegenerateAndListKeysTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    Task Chat(string key, int status) => Host.Scenario(s =>
    {
        s.Post.Json(new { model = "mock-gpt", messages = new[] { new { role = "user", content = "hi" } } }).ToUrl("/v1/chat/completions");
        s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.StatusCodeShouldBe(status);
    });

    [Fact]
    public async Task regenerating_gives_a_new_secret_for_the_same_key_and_stops_the_old_one()
    {
        var (old, id) = await Host.IssuedKey(k => k with { KeyAlias = "rotating" });
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { key = old }).ToUrl("/key/regenerate");
            s.WithMasterKey();
            s.StatusCodeShouldBeOk();
        });
        var body = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        var fresh = body.GetProperty("key").GetString()!;
        Assert.NotEqual(old, fresh);
        Assert.Equal("rotating", body.GetProperty("key_alias").GetString());

        await Chat(fresh, 200);
        await Chat(old, 401);
        Assert.Equal(id, Assert.Single(await Host.Events<KeyRegenerated>()).KeyId);
    }

    [Fact]
    public async Task the_list_pages_live_keys_and_filters_by_alias()
    {
        for (var i = 0; i < 3; i++)
            await Host.IssuedKey(k => k with { TeamId = "team-x" });
        var (gone, _) = await Host.IssuedKey(k => k with { TeamId = "team-x", KeyAlias = "gone" });
        await Host.Scenario(s =>
        {
            s.Post.Json(new { keys = new[] { gone } }).ToUrl("/key/delete");
            s.WithMasterKey();
        });

        async Task<JsonElement> List(string query)
        {
            var result = await Host.Scenario(s =>
            {
                s.Get.Url($"/key/list{query}");
                s.WithMasterKey();
                s.StatusCodeShouldBeOk();
            });
            return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
        }

        var first = await List("?team_id=team-x&size=2");
        Assert.Equal(3, first.GetProperty("total_count").GetInt32());
        Assert.Equal(2, first.GetProperty("total_pages").GetInt32());
        Assert.Equal(2, first.GetProperty("keys").GetArrayLength());
        Assert.Matches("^[0-9a-f]{64}$", first.GetProperty("keys")[0].GetString()!);

        var second = await List("?team_id=team-x&size=2&page=2&return_full_object=true");
        Assert.Equal("team-x", second.GetProperty("keys")[0].GetProperty("team_id").GetString());
        Assert.Equal(0, (await List("?key_alias=gone")).GetProperty("total_count").GetInt32());

        await Host.Scenario(s =>
        {
            s.Get.Url("/key/list?size=500");
            s.WithMasterKey();
            s.StatusCodeShouldBe(400);
        });
    }
}
