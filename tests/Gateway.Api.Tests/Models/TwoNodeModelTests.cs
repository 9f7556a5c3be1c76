using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Models;

/// <summary>Two gateways on one database: a model added, changed or removed on one is served accordingly by the other.</summary>
public sealed class TwoNodeModelTests(PostgresFixture postgres) : IAsyncLifetime
{
    IAlbaHost _a = null!;
    IAlbaHost _b = null!;
    FakeOpenAI _first = null!;
    FakeOpenAI _second = null!;

    public async ValueTask InitializeAsync()
    {
        _first = await FakeOpenAI.StartAsync();
        _second = await FakeOpenAI.StartAsync();
        var database = new Dictionary<string, string?> { ["DATABASE_URL"] = await postgres.CreateDatabaseAsync() };
        _a = await GatewayTestHost.StartAsync(postgres, settings: database);
        _b = await GatewayTestHost.StartAsync(postgres, settings: database);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    async Task<int> Status(IAlbaHost node) => (await node.Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Context.Response.StatusCode;

    [Fact]
    public async Task a_model_added_changed_and_removed_on_one_node_follows_on_the_other()
    {
        Assert.Equal(400, await Status(_b));

        var id = await _a.AddModel("runtime-gpt", _first);
        await RuntimeModels.Eventually(async () => await Status(_b) == 200, "node B serving the model added on node A");
        Assert.NotEmpty(_first.Requests);

        await _a.AdminPost("/model/update", new { model_info = new { id }, litellm_params = new { api_base = _second.BaseUrl.ToString() } });
        await RuntimeModels.Eventually(async () =>
        {
            var before = _second.Requests.Count;
            return await Status(_b) == 200 && _second.Requests.Count > before;
        }, "node B calling the new api_base");

        await _b.AdminPost("/model/delete", new { id });
        await RuntimeModels.Eventually(async () => await Status(_a) == 400, "node A refusing the model removed on node B");
        Assert.DoesNotContain(id, (await _a.ModelInfo()).Text);
    }
}
