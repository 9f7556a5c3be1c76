using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Admin;

public sealed class CustomerTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    [Fact]
    public async Task a_customer_is_created_blocked_unblocked_listed_and_deleted()
    {
        var created = await Send(s => s.Post.Json(new { user_id = "end-user-1", alias = "Acme", max_budget = 3 }).ToUrl("/customer/new"), 200);
        Assert.Equal("Acme", created.GetProperty("alias").GetString());

        await Send(s => s.Post.Json(new { user_ids = new[] { "end-user-1" } }).ToUrl("/customer/block"), 200);
        Assert.True((await Send(s => s.Get.Url("/customer/info?end_user_id=end-user-1"), 200)).GetProperty("blocked").GetBoolean());
        await Send(s => s.Post.Json(new { user_ids = new[] { "end-user-1" } }).ToUrl("/customer/unblock"), 200);
        Assert.False((await Send(s => s.Get.Url("/customer/info?end_user_id=end-user-1"), 200)).GetProperty("blocked").GetBoolean());
        Assert.Equal(1, (await Send(s => s.Get.Url("/customer/list"), 200)).GetArrayLength());

        await Send(s => s.Post.Json(new { user_ids = new[] { "end-user-1" } }).ToUrl("/customer/delete"), 200);
        await Send(s => s.Get.Url("/customer/info?end_user_id=end-user-1"), 404);
    }

    [Fact]
    public async Task refusals_name_the_field_and_only_admins_may_manage_customers()
    {
        Assert.Equal("user_id", (await Send(s => s.Post.Json(new { alias = "no id" }).ToUrl("/customer/new"), 400)).GetProperty("param").GetString());
        await Send(s => s.Post.Json(new { user_id = "c1" }).ToUrl("/customer/new"), 200);
        Assert.Equal("user_id", (await Send(s => s.Post.Json(new { user_id = "c1" }).ToUrl("/customer/new"), 400)).GetProperty("param").GetString());
        await Send(s => s.Post.Json(new { user_ids = new[] { "c1", "ghost" } }).ToUrl("/customer/block"), 404);
        Assert.False((await Send(s => s.Get.Url("/customer/info?end_user_id=c1"), 200)).GetProperty("blocked").GetBoolean());

        var (virtualKey, _) = await Host.IssuedKey();
        await Send(s => s.Post.Json(new { user_id = "c2" }).ToUrl("/customer/new"), 403, virtualKey);
        await Send(s => s.Get.Url("/customer/list"), 403, virtualKey);
    }
}
