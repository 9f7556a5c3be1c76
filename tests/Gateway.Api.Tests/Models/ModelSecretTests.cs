using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Models;

namespace Gateway.Api.Tests.Models;

/// <summary>
/// A provider key given to /model/new is sealed before it is stored: it is in no answer, no event, no read model and no
/// log line; it opens only under the salt key it was sealed with, and a gateway with another one says so and serves on.
/// </summary>
public sealed class ModelSecretTests(PostgresFixture postgres) : IAsyncLifetime
{
    FakeOpenAI _upstream = null!;

    public async ValueTask InitializeAsync() => _upstream = await FakeOpenAI.StartAsync();

    public ValueTask DisposeAsync() => _upstream.DisposeAsync();

    static Dictionary<string, string?> Settings(string database, string saltKey) => new()
    {
        ["DATABASE_URL"] = database,
        ["GATEWAY_SALT_KEY"] = saltKey,
    };

    [Fact]
    public async Task a_provider_key_is_in_no_answer_no_event_no_read_model_and_no_log()
    {
        var log = new RecordedLog();
        await using var host = await GatewayTestHost.StartAsync(postgres, services: log.AddTo);

        var created = await host.Scenario(s =>
        {
            s.Post.Json(new
            {
                model_name = "runtime-gpt",
                litellm_params = new
                {
                    model = "openai/fake-model", api_base = _upstream.BaseUrl.ToString(), api_key = RuntimeModels.UpstreamKey,
                    client_secret = "client-secret-0ddba11",
                },
            }).ToUrl("/model/new");
            s.WithMasterKey();
        });
        var id = System.Text.Json.JsonDocument.Parse(await created.ReadAsTextAsync()).RootElement.GetProperty("model_id").GetString()!;
        await host.Scenario(s =>
        {
            s.Post.Json(new { model_info = new { id }, litellm_params = new { api_key = "sk-second-secret-b0a7", rpm = 10 } }).ToUrl("/model/update");
            s.WithMasterKey();
        });
        await (await host.Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();
        await host.EventsPersisted();

        string[] secrets = [RuntimeModels.UpstreamKey, "client-secret-0ddba11", "sk-second-secret-b0a7"];
        var events = await host.RawTable("mt_events");
        var snapshots = await host.RawTable("mt_doc_storeddeployment");
        var answers = await created.ReadAsTextAsync() + (await host.ModelInfo()).Text;
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, events);
            Assert.DoesNotContain(secret, snapshots);
            Assert.DoesNotContain(secret, answers);
            Assert.DoesNotContain(secret, log.Text);
        }
        Assert.Contains(log.Lines, line => line.Contains("runtime-gpt", StringComparison.Ordinal)); // the log did hear of the model
        Assert.Contains(CredentialSeal.Prefix, events);
        Assert.DoesNotContain(CredentialSeal.Prefix, answers);
        Assert.Equal("Bearer sk-second-secret-b0a7", Assert.Single(_upstream.Requests).Headers["authorization"]);
    }

    [Fact]
    public async Task a_gateway_with_another_salt_key_leaves_the_model_out_says_why_and_serves_it_again_once_the_key_is_entered_anew()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using (var first = await GatewayTestHost.StartAsync(postgres, settings: Settings(database, "first-salt-key")))
            await first.AddModel("runtime-gpt", _upstream, modelInfo: new { id = "sealed-1" });

        var log = new RecordedLog();
        await using var second = await GatewayTestHost.StartAsync(postgres, settings: Settings(database, "another-salt-key"), services: log.AddTo);

        Assert.Contains(log.Lines, line => line.Contains("runtime-gpt", StringComparison.Ordinal) && line.Contains("sealed-1", StringComparison.Ordinal)
            && line.Contains("cannot be decrypted", StringComparison.Ordinal) && line.Contains("GATEWAY_SALT_KEY", StringComparison.Ordinal));
        await (await second.Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).OpenAIError(400);
        await (await second.Chat(GatewayTestHost.MasterKey)).Answer(); // the rest still serves
        var info = (await second.ModelInfo()).Data.Entry("sealed-1").GetProperty("model_info");
        Assert.False(info.GetProperty("usable").GetBoolean());
        Assert.Contains("cannot be decrypted", info.GetProperty("problem").GetString());

        await second.AdminPost("/model/update", new { model_info = new { id = "sealed-1" }, litellm_params = new { api_key = "sk-entered-again" } });

        await (await second.Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();
        Assert.Equal("Bearer sk-entered-again", _upstream.Requests.Last().Headers["authorization"]);
    }

    [Fact]
    public async Task without_a_salt_key_credentials_are_sealed_with_the_master_key_as_litellm_does()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using (var first = await GatewayTestHost.StartAsync(postgres, settings: new Dictionary<string, string?> { ["DATABASE_URL"] = database }))
            await first.AddModel("runtime-gpt", _upstream);

        await using var withLiteLlmsName = await GatewayTestHost.StartAsync(postgres,
            settings: new Dictionary<string, string?> { ["DATABASE_URL"] = database, ["LITELLM_SALT_KEY"] = GatewayTestHost.MasterKey });

        await (await withLiteLlmsName.Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();
        Assert.Equal($"Bearer {RuntimeModels.UpstreamKey}", _upstream.Requests.Last().Headers["authorization"]);
    }

    [Fact]
    public async Task an_environment_reference_is_stored_as_written_and_read_when_the_model_is_served()
    {
        await using var host = await GatewayTestHost.StartAsync(postgres, settings: new Dictionary<string, string?> { ["RUNTIME_UPSTREAM_KEY"] = "sk-from-the-environment" });

        await host.AddModel("runtime-gpt", _upstream, apiKey: "os.environ/RUNTIME_UPSTREAM_KEY");

        await (await host.Chat(GatewayTestHost.MasterKey, model: "runtime-gpt")).Answer();
        Assert.Equal("Bearer sk-from-the-environment", _upstream.Requests.Last().Headers["authorization"]);
        await host.EventsPersisted();
        var events = await host.RawTable("mt_events");
        Assert.Contains("os.environ/RUNTIME_UPSTREAM_KEY", events);
        Assert.DoesNotContain("sk-from-the-environment", events);
    }
}
