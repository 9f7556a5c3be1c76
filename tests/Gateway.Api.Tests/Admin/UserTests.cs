using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Admin;

public sealed class UserTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    [Fact]
    public async Task a_user_is_created_read_listed_with_their_keys_and_deleted()
    {
        var created = await Send(s => s.Post.Json(new { user_id = "ada", user_email = "ada@example.com", user_role = "proxy_admin" }).ToUrl("/user/new"), 200);
        Assert.Equal("proxy_admin", created.GetProperty("user_role").GetString());
        await Host.IssuedKey(k => k with { UserId = "ada", KeyAlias = "ada-laptop" });

        var info = await Send(s => s.Get.Url("/user/info?user_id=ada"), 200);
        Assert.Equal("ada@example.com", info.GetProperty("user_info").GetProperty("user_email").GetString());
        Assert.Equal("ada-laptop", Assert.Single(info.GetProperty("keys").EnumerateArray()).GetProperty("key_alias").GetString());
        Assert.Equal(1, (await Send(s => s.Get.Url("/user/list"), 200)).GetProperty("total").GetInt32());

        await Send(s => s.Post.Json(new { user_ids = new[] { "ada" } }).ToUrl("/user/delete"), 200);
        await Send(s => s.Get.Url("/user/info?user_id=ada"), 404);
    }

    [Fact]
    public async Task refusals_name_the_field_and_only_admins_may_manage_users()
    {
        Assert.Equal("user_role", (await Send(s => s.Post.Json(new { user_role = "superuser" }).ToUrl("/user/new"), 400)).GetProperty("param").GetString());
        Assert.Equal("user_email", (await Send(s => s.Post.Json(new { user_email = "not an email" }).ToUrl("/user/new"), 400)).GetProperty("param").GetString());
        await Send(s => s.Post.Json(new { user_ids = new[] { "nobody" } }).ToUrl("/user/delete"), 404);

        var (virtualKey, _) = await Host.IssuedKey();
        await Send(s => s.Post.Json(new { user_id = "x" }).ToUrl("/user/new"), 403, virtualKey);
        await Send(s => s.Get.Url("/user/list"), 403, virtualKey);
    }
}
