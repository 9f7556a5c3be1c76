using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>
/// A gateway per test whose config.yaml lists Bedrock deployments in every credential style (config keys, temporary
/// keys, environment keys, a Bedrock API key), each pointed at a fresh <see cref="FakeBedrock"/> through api_base.
/// </summary>
public abstract class BedrockGateway(PostgresFixture postgres) : IAsyncLifetime
{
    protected FakeBedrock Upstream { get; private set; } = null!;
    protected IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Upstream = await FakeBedrock.StartAsync();
        var api = Upstream.BaseUrl.ToString().TrimEnd('/');
        string Signed(string name, string model, string extra = "") => $$"""
              - model_name: {{name}}
                litellm_params:
                  model: bedrock/{{model}}
                  api_base: {{api}}
                  aws_access_key_id: {{FakeBedrock.AccessKey}}
                  aws_secret_access_key: os.environ/FAKE_AWS_SECRET
                  aws_region_name: {{FakeBedrock.Region}}
                  {{extra}}
            """;

        var yaml = "model_list:\n" + string.Join("\n",
            // The built-in price sheet has no Bedrock entries yet: this deployment prices itself.
            Signed("claude", FakeBedrock.Model, "input_cost_per_token: 0.000003\n      output_cost_per_token: 0.000015"),
            Signed("claude-lenient", FakeBedrock.Model, "drop_params: true"),
            Signed("claude-arn", InferenceProfileArn),
            Signed("claude-us", FakeBedrock.Model).Replace($"aws_region_name: {FakeBedrock.Region}", "aws_region_name: us-east-1"),
            Signed("claude-wrong-secret", FakeBedrock.Model).Replace("os.environ/FAKE_AWS_SECRET", "not-the-secret"),
            $$"""
              - model_name: claude-temporary
                litellm_params:
                  model: bedrock/converse/{{FakeBedrock.Model}}
                  api_base: {{api}}
                  aws_access_key_id: {{FakeBedrock.TempAccessKey}}
                  aws_secret_access_key: "{{FakeBedrock.TempSecretKey}}"
                  aws_session_token: "{{FakeBedrock.SessionToken}}"
                  aws_region_name: {{FakeBedrock.Region}}
              - model_name: claude-env
                litellm_params:
                  model: bedrock/{{FakeBedrock.Model}}
                  api_base: {{api}}
              - model_name: claude-api-key
                litellm_params:
                  model: bedrock/{{FakeBedrock.Model}}
                  api_base: {{api}}
                  api_key: {{FakeBedrock.ApiKey}}
            """,
            string.Join("\n", Scenarios.Select(s => Signed(s, $"fake.{s}-v1:0")))) + "\n";

        Host = await GatewayTestHost.StartAsync(postgres, yaml, new Dictionary<string, string?>
        {
            ["FAKE_AWS_SECRET"] = FakeBedrock.SecretKey,
            // Read only by claude-env, which has no credentials or region of its own.
            ["AWS_ACCESS_KEY_ID"] = FakeBedrock.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = FakeBedrock.SecretKey,
            ["AWS_REGION"] = FakeBedrock.Region,
        });
    }

    protected const string InferenceProfileArn =
        "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-5-sonnet-20240620-v1:0";

    /// <summary>Model groups named after the fake's scenarios: model id <c>fake.{name}-v1:0</c>.</summary>
    static readonly string[] Scenarios =
    [
        "throttled", "too-long", "denied", "not-ready", "model-timeout", "unavailable",
        "max-tokens", "guardrail", "content-filtered", "stop-sequence", "stream-throttled", "stream-corrupt",
    ];

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Upstream.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Posts a chat request; <paramref name="body"/> gets the model and, unless given, one user message.</summary>
    protected Task<IScenarioResult> Chat(string model, JsonObject? body = null, int status = 200)
    {
        body ??= new JsonObject();
        body["model"] = model;
        body["messages"] ??= new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hello?" });
        return Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl("/v1/chat/completions");
            s.WithMasterKey();
            s.StatusCodeShouldBe(status);
        });
    }

    protected async Task<JsonElement> ChatJson(string model, JsonObject? body = null)
    {
        var result = await Chat(model, body);
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone();
    }

    /// <summary>The one request the fake accepted, with what it refused shown when there is none.</summary>
    protected FakeBedrock.Received SingleRequest()
    {
        Assert.True(Upstream.Requests.Count == 1,
            $"expected one accepted request, got {Upstream.Requests.Count}; refusals: {string.Join(" | ", Upstream.Refusals)}");
        return Upstream.Requests.Single();
    }

    protected static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();
}
