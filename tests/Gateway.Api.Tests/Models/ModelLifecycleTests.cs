using System.Text.Json;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Models;

/// <summary>
/// Models added, changed and removed with LiteLLM's /model/* routes are served, re-routed and gone from the very next
/// call, with no restart; config.yaml's models are listed beside them and stay read-only.
/// </summary>
public sealed class ModelLifecycleTests(PostgresFixture postgres) : FreshGateway(postgres), IAsyncLifetime
{
    FakeOpenAI _first = null!;
    FakeOpenAI _second = null!;

    protected override string? ConfigYaml => """
        model_list:
          - model_name: from-config
            litellm_params: { model: openai/configured, api_base: "http://127.0.0.1:9/v1", api_key: sk-config-secret-77 }
            model_info: { id: cfg-1 }
        """;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        _first = await FakeOpenAI.StartAsync();
        _second = await FakeOpenAI.StartAsync();
        await InitializeAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task a_model_added_with_model_new_answers_the_next_call_without_a_restart()
    {
        Assert.Equal(400, (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Context.Response.StatusCode);

        var id = await Host.AddModel("runtime-gpt", _first);

        Assert.Equal("Hello from the fake upstream!", await (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer());
        var received = Assert.Single(_first.Requests);
        Assert.Equal("fake-model", received.Body["model"]!.GetValue<string>());
        Assert.Equal($"Bearer {RuntimeModels.UpstreamKey}", received.Headers["authorization"]);
        var listed = await Send(s => s.Get.Url("/v1/models"), 200);
        Assert.Contains("runtime-gpt", listed.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.False(string.IsNullOrEmpty(id));
    }

    [Fact]
    public async Task model_new_keeps_the_id_it_is_given_and_answers_in_litellms_shape()
    {
        var created = await Host.AdminPost("/model/new", new
        {
            model_name = "runtime-gpt",
            litellm_params = new { model = "openai/fake-model", api_base = _first.BaseUrl.ToString(), rpm = 60, input_cost_per_token = 0.000002 },
            model_info = new { id = "my-id", base_model = "gpt-4o" },
        });

        Assert.Equal("my-id", created.GetProperty("model_id").GetString());
        Assert.Equal("runtime-gpt", created.GetProperty("model_name").GetString());
        Assert.Equal(60, created.GetProperty("litellm_params").GetProperty("rpm").GetInt32());
        var info = created.GetProperty("model_info");
        Assert.Equal("my-id", info.GetProperty("id").GetString());
        Assert.True(info.GetProperty("db_model").GetBoolean());
        Assert.Equal("gpt-4o", info.GetProperty("base_model").GetString());
        Assert.Equal(0.000002m, info.GetProperty("input_cost_per_token").GetDecimal());
        Assert.Equal("openai", info.GetProperty("litellm_provider").GetString());
    }

    [Fact]
    public async Task changing_api_base_sends_the_next_call_to_the_new_upstream_with_the_same_key()
    {
        var id = await Host.AddModel("runtime-gpt", _first);
        await (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();

        await Host.AdminPost("/model/update", new { model_info = new { id }, litellm_params = new { api_base = _second.BaseUrl.ToString() } });

        await (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();
        Assert.Single(_first.Requests);
        Assert.Equal($"Bearer {RuntimeModels.UpstreamKey}", Assert.Single(_second.Requests).Headers["authorization"]);
    }

    [Fact]
    public async Task patching_a_model_renames_it_and_removes_a_param_sent_as_null()
    {
        var id = await Host.AddModel("runtime-gpt", _first);
        await Host.AdminPost($"/model/update", new { model_info = new { id }, litellm_params = new { rpm = 5 } });

        var patched = await Send(s => s.Patch.Json(new { model_name = "renamed-gpt", litellm_params = new { rpm = (int?)null } }).ToUrl($"/model/{id}/update"), 200);

        Assert.Equal("renamed-gpt", patched.GetProperty("model_name").GetString());
        Assert.False(patched.GetProperty("litellm_params").TryGetProperty("rpm", out _));
        Assert.Equal(400, (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Context.Response.StatusCode);
        await (await Chat(GatewayTestHost.MasterKey, model: "renamed-gpt")).Answer();
    }

    [Fact]
    public async Task a_deleted_model_is_gone_from_the_next_call_and_from_model_info()
    {
        var id = await Host.AddModel("runtime-gpt", _first);

        var deleted = await Host.AdminPost("/model/delete", new { id });

        Assert.Equal($"Model: {id} deleted successfully", deleted.GetProperty("message").GetString());
        var call = await (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).OpenAIError(400);
        Assert.StartsWith("Invalid model name passed in model=runtime-gpt", call.GetProperty("message").GetString());
        var info = await Send(s => s.Get.Url($"/model/info?litellm_model_id={id}"), 404);
        Assert.Equal("not_found_error", info.GetProperty("type").GetString());
        var again = await Send(s => s.Post.Json(new { id }).ToUrl("/model/delete"), 404);
        Assert.Equal($"Model {id} not found on proxy.", again.GetProperty("message").GetString());
        Assert.Empty(_first.Requests);
    }

    [Fact]
    public async Task model_info_lists_config_and_database_models_with_their_source_and_no_credentials()
    {
        var id = await Host.AddModel("runtime-gpt", _first);

        var (text, data) = await Host.ModelInfo();

        var configured = data.Entry("cfg-1");
        Assert.Equal("from-config", configured.GetProperty("model_name").GetString());
        Assert.False(configured.GetProperty("model_info").GetProperty("db_model").GetBoolean());
        Assert.Equal("openai/configured", configured.GetProperty("litellm_params").GetProperty("model").GetString());
        var stored = data.Entry(id);
        Assert.True(stored.GetProperty("model_info").GetProperty("db_model").GetBoolean());
        Assert.Equal(_first.BaseUrl.ToString(), stored.GetProperty("litellm_params").GetProperty("api_base").GetString());
        Assert.DoesNotContain("api_key", text);
        Assert.DoesNotContain("sk-config-secret-77", text);
        Assert.DoesNotContain(RuntimeModels.UpstreamKey, text);
        Assert.Equal(text, (await Host.ModelInfo("/v1/model/info")).Text);
        Assert.Single((await Host.ModelInfo($"/model/info?litellm_model_id={id}")).Data);
    }

    [Fact]
    public async Task a_config_yaml_model_cannot_be_changed_or_removed_and_the_refusal_says_why()
    {
        var update = await Send(s => s.Post.Json(new { model_info = new { id = "cfg-1" }, model_name = "renamed" }).ToUrl("/model/update"), 400);
        var patch = await Send(s => s.Patch.Json(new { litellm_params = new { rpm = 1 } }).ToUrl("/model/cfg-1/update"), 400);
        var delete = await Send(s => s.Post.Json(new { id = "cfg-1" }).ToUrl("/model/delete"), 400);

        foreach (var refusal in new[] { update, patch, delete })
            Assert.Contains("comes from config.yaml and is read-only", refusal.GetProperty("message").GetString());
        var id = await Send(s => s.Post.Json(new
        {
            model_name = "copy", litellm_params = new { model = "openai/x", api_base = "http://127.0.0.1:9/v1" }, model_info = new { id = "cfg-1" },
        }).ToUrl("/model/new"), 400);
        Assert.Equal("model_info.id", id.GetProperty("param").GetString());
        Assert.Contains("from-config", (await Host.ModelInfo()).Text);
    }

    [Fact]
    public async Task a_model_the_gateway_could_not_route_to_is_refused_naming_the_field()
    {
        var unknownProvider = await Send(s => s.Post.Json(new { model_name = "m", litellm_params = new { model = "openia/gpt-4o" } }).ToUrl("/model/new"), 400);
        Assert.Contains("Unknown provider 'openia'", unknownProvider.GetProperty("message").GetString());

        var noModel = await Send(s => s.Post.Json(new { model_name = "m", litellm_params = new { api_base = "http://x" } }).ToUrl("/model/new"), 400);
        Assert.Equal("litellm_params.model", noModel.GetProperty("param").GetString());

        var noParams = await Send(s => s.Post.Json(new { model_name = "m" }).ToUrl("/model/new"), 400);
        Assert.Equal("litellm_params", noParams.GetProperty("param").GetString());

        var badBase = await Send(s => s.Post.Json(new { model_name = "m", litellm_params = new { model = "openai/x", api_base = "not a url" } }).ToUrl("/model/new"), 400);
        Assert.Equal("litellm_params.api_base", badBase.GetProperty("param").GetString());
        Assert.Contains("expected an http(s) URL", badBase.GetProperty("message").GetString());

        var badNumber = await Send(s => s.Post.Json(new { model_name = "m", litellm_params = new { model = "openai/x", api_base = "http://127.0.0.1:9/v1", rpm = "fast" } }).ToUrl("/model/new"), 400);
        Assert.Equal("litellm_params.rpm", badNumber.GetProperty("param").GetString());

        Assert.Empty(await Host.Events<Gateway.Domain.Models.DeploymentAdded>());
    }

    [Fact]
    public async Task an_update_that_would_break_the_model_is_refused_and_the_model_keeps_serving()
    {
        var id = await Host.AddModel("runtime-gpt", _first);

        var refused = await Send(s => s.Post.Json(new { model_info = new { id }, litellm_params = new { api_base = "ftp://nowhere" } }).ToUrl("/model/update"), 400);

        Assert.Equal("litellm_params.api_base", refused.GetProperty("param").GetString());
        await (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();
        Assert.Single(await Host.Events<Gateway.Domain.Models.DeploymentAdded>());
        Assert.Empty(await Host.Events<Gateway.Domain.Models.DeploymentUpdated>());
    }

    [Fact]
    public async Task a_cost_audit_reprices_a_database_models_calls_with_its_own_prices()
    {
        await Host.AdminPost("/model/new", new
        {
            model_name = "runtime-gpt",
            litellm_params = new { model = "openai/fake-model", api_base = _first.BaseUrl.ToString(), input_cost_per_token = 0.000003, output_cost_per_token = 0.000009 },
        });
        await (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();
        var call = Assert.Single(await Host.Events<Gateway.Domain.Spend.RequestCompleted>());

        var audit = Host.Services.GetRequiredService<Gateway.Domain.Audit.CostAudit>();
        var price = audit.RepricingWith(Gateway.Domain.Pricing.PriceSheet.Builtin).PriceOf(call);

        Assert.Equal((0.000003m, 0.000009m), (price!.InputCostPerToken, price.OutputCostPerToken));
    }

    [Fact]
    public async Task a_model_changed_while_cooling_down_is_routed_to_at_once_while_others_keep_their_cooldown()
    {
        await Host.AdminPost("/model/new", new
        {
            model_name = "runtime-gpt",
            litellm_params = new { model = "openai/rate-limited", api_base = _first.BaseUrl.ToString() },
            model_info = new { id = "changes" },
        });
        await Host.AdminPost("/model/new", new
        {
            model_name = "other-gpt",
            litellm_params = new { model = "openai/rate-limited", api_base = _first.BaseUrl.ToString() },
            model_info = new { id = "stays" },
        });
        await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt"); // a 429 cools each deployment at once
        await Chat(GatewayTestHost.MasterKey, model: "other-gpt");
        var health = Host.Services.GetRequiredService<Gateway.Api.Routing.DeploymentHealth>();
        var catalog = Host.Services.GetRequiredService<Gateway.Api.Routing.DeploymentCatalog>();
        Gateway.Api.Routing.Deployment Served(string id) => catalog.Current.Groups.Values.SelectMany(g => g.Deployments).Single(d => d.Id == id);
        Assert.True(health.IsCooling(Served("changes")));

        await Host.AdminPost("/model/update", new { model_info = new { id = "changes" }, litellm_params = new { model = "openai/fake-model" } });

        await (await Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();
        Assert.True(health.IsCooling(Served("stays")));
        Assert.Equal(429, (await Chat(GatewayTestHost.MasterKey, model: "other-gpt")).Context.Response.StatusCode);
    }
}
