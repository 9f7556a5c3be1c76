using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Models;

namespace Gateway.Api.Tests.Models;

/// <summary>Only admins change models: no key is 401, a plain virtual key 403, a viewer may read /model/info only.</summary>
public sealed class ModelRefusalTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    public static TheoryData<string, string> Changes => new()
    {
        { "POST", "/model/new" }, { "POST", "/model/update" }, { "PATCH", "/model/db-1/update" }, { "POST", "/model/delete" },
    };

    static object Body(string path) => path switch
    {
        "/model/new" => new { model_name = "m", litellm_params = new { model = "mock/mock-gpt" }, model_info = new { id = "db-2" } },
        "/model/delete" => new { id = "db-1" },
        _ => new { model_info = new { id = "db-1" }, model_name = "renamed" },
    };

    Task<IScenarioResult> Call(string method, string path, string? key) => Host.Scenario(s =>
    {
        if (method == "GET")
            s.Get.Url(path);
        else if (method == "PATCH")
            s.Patch.Json(Body(path)).ToUrl(path);
        else
            s.Post.Json(Body(path)).ToUrl(path);
        if (key is not null)
            s.WithRequestHeader("Authorization", $"Bearer {key}");
        s.IgnoreStatusCode();
    });

    async Task<string> ViewerKey()
    {
        await Host.AdminPost("/user/new", new { user_id = "vera", user_role = "proxy_admin_viewer" });
        return (await Host.AdminPost("/key/generate", new { user_id = "vera" })).GetProperty("key").GetString()!;
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task a_change_without_a_key_is_401_and_with_a_virtual_key_or_a_viewers_key_403_and_changes_nothing(string method, string path)
    {
        await Host.AdminPost("/model/new", new { model_name = "m", litellm_params = new { model = "mock/mock-gpt" }, model_info = new { id = "db-1" } });
        var (plainKey, _) = await Host.IssuedKey();
        var viewerKey = await ViewerKey();

        Assert.Equal("auth_error", (await (await Call(method, path, null)).OpenAIError(401)).GetProperty("type").GetString());
        Assert.Equal("permission_error", (await (await Call(method, path, plainKey)).OpenAIError(403)).GetProperty("type").GetString());
        Assert.Equal("permission_error", (await (await Call(method, path, viewerKey)).OpenAIError(403)).GetProperty("type").GetString());

        Assert.Single(await Host.Events<DeploymentAdded>());
        Assert.Empty(await Host.Events<DeploymentUpdated>());
        Assert.Empty(await Host.Events<DeploymentRemoved>());
    }

    [Fact]
    public async Task model_info_is_refused_without_a_key_and_to_a_virtual_key_but_a_viewer_may_read_it()
    {
        var (plainKey, _) = await Host.IssuedKey();

        await (await Call("GET", "/model/info", null)).OpenAIError(401);
        await (await Call("GET", "/model/info", plainKey)).OpenAIError(403);
        await (await Call("GET", "/v1/model/info", plainKey)).OpenAIError(403);
        var viewer = await Call("GET", "/model/info", await ViewerKey());
        Assert.Equal(200, viewer.Context.Response.StatusCode);
        Assert.Contains("mock-gpt", await viewer.ReadAsTextAsync());
    }

    [Fact]
    public async Task a_proxy_admin_users_key_may_add_a_model()
    {
        await Host.AdminPost("/user/new", new { user_id = "ada", user_role = "proxy_admin" });
        var key = (await Host.AdminPost("/key/generate", new { user_id = "ada" })).GetProperty("key").GetString()!;

        Assert.Equal(200, (await Call("POST", "/model/new", key)).Context.Response.StatusCode);
        Assert.Single(await Host.Events<DeploymentAdded>());
    }
}
