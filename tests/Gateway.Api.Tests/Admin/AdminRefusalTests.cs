using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Admin;

/// <summary>Every admin route refuses a caller with no key (401) and a plain virtual key (403), and changes nothing.</summary>
public sealed class AdminRefusalTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    IAlbaHost Host => gateway.Host;

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/key/list" }, { "GET", "/team/info?team_id=t" }, { "GET", "/team/list" }, { "GET", "/user/info?user_id=u" },
        { "GET", "/user/list" }, { "GET", "/customer/info?end_user_id=c" }, { "GET", "/customer/list" }, { "GET", "/spend/logs" },
        { "GET", "/global/spend/report" }, { "GET", "/user/daily/activity" },
        { "POST", "/key/generate" }, { "POST", "/key/update" }, { "POST", "/key/delete" }, { "POST", "/key/regenerate" },
        { "POST", "/key/block" }, { "POST", "/key/unblock" }, { "POST", "/team/new" }, { "POST", "/team/update" },
        { "POST", "/team/delete" }, { "POST", "/team/member_add" }, { "POST", "/team/member_delete" }, { "POST", "/team/block" },
        { "POST", "/team/unblock" }, { "POST", "/user/new" }, { "POST", "/user/update" }, { "POST", "/user/delete" },
        { "POST", "/customer/new" }, { "POST", "/customer/update" }, { "POST", "/customer/delete" }, { "POST", "/customer/block" },
        { "POST", "/customer/unblock" },
    };

    /// <summary>A body that would be accepted from an admin, so only the caller can be the reason for the refusal.</summary>
    static object BodyFor(string path) => path switch
    {
        "/key/update" or "/key/block" or "/key/unblock" or "/key/regenerate" => new { key = "sk-some-key" },
        "/key/delete" => new { keys = new[] { "sk-some-key" } },
        "/team/update" or "/team/block" or "/team/unblock" => new { team_id = "t", max_budget = 1 },
        "/team/delete" => new { team_ids = new[] { "t" } },
        "/team/member_add" => new { team_id = "t", member = new { user_id = "u", role = "user" } },
        "/team/member_delete" => new { team_id = "t", user_id = "u" },
        "/user/update" => new { user_id = "u", max_budget = 1 },
        "/user/delete" => new { user_ids = new[] { "u" } },
        "/customer/update" => new { user_id = "c", max_budget = 1 },
        "/customer/delete" or "/customer/block" or "/customer/unblock" => new { user_ids = new[] { "c" } },
        _ => new { user_id = "u2", team_id = "t2", max_budget = 1 },
    };

    Task<IScenarioResult> Call(string method, string path, string? key) => Host.Scenario(s =>
    {
        if (method == "GET")
            s.Get.Url(path);
        else
            s.Post.Json(BodyFor(path)).ToUrl(path);
        if (key is not null)
            s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.IgnoreStatusCode();
    });

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task without_a_key_the_route_answers_401_and_with_a_plain_virtual_key_403(string method, string path)
    {
        var noKey = await (await Call(method, path, null)).OpenAIError(401);
        Assert.Equal("auth_error", noKey.GetProperty("type").GetString());

        var (key, _) = await Host.IssuedKey();
        var refused = await (await Call(method, path, key)).OpenAIError(403);
        Assert.Equal("permission_error", refused.GetProperty("type").GetString());

        Assert.Empty(await Host.Events<Gateway.Domain.Teams.TeamCreated>());
        Assert.Empty(await Host.Events<Gateway.Domain.Users.UserCreated>());
        Assert.Empty(await Host.Events<Gateway.Domain.Customers.CustomerCreated>());
    }

    [Theory]
    [InlineData("/team/new", """{"team_id": "t", "max_budget": "lots"}""", "max_budget")]
    [InlineData("/team/new", """{"team_id": "t", "models": "gpt-4o"}""", "models")]
    [InlineData("/user/new", """{"user_id": "u", "tpm_limit": 1.5}""", "tpm_limit")]
    [InlineData("/customer/new", """{"user_id": "c", "blocked": "no"}""", "blocked")]
    [InlineData("/key/generate", """{"max_budget": "ten"}""", "max_budget")]
    [InlineData("/team/member_add", """{"team_id": "t", "member": "ada"}""", "member")]
    public async Task a_wrongly_typed_field_is_a_400_that_names_it(string path, string json, string field)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl(path).ContentType("application/json");
            s.WithMasterKey();
            s.StatusCodeShouldBe(400);
        });
        var error = await result.OpenAIError(400);
        Assert.Contains(field, error.GetProperty("message").GetString());
    }
}
