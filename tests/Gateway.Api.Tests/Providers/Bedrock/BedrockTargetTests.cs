using Gateway.Api.Providers;
using Gateway.Api.Providers.Bedrock;
using Gateway.Api.Routing;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>How a Bedrock deployment's model id, region, endpoint and credentials are resolved from config and environment.</summary>
public sealed class BedrockTargetTests
{
    static readonly UpstreamClients Clients = new();

    static Deployment Deployment(string model, Dictionary<string, object?>? parameters = null, string? apiKey = null, string? apiBase = null) => new()
    {
        Id = "d1",
        ModelGroup = "g",
        ProviderName = "bedrock",
        UpstreamModel = model,
        Provider = new BedrockProvider(Clients, 1 << 20, _ => null),
        ApiBase = new Uri(apiBase ?? BedrockProvider.RegionalEndpoint),
        ApiKey = apiKey,
        Params = parameters ?? new Dictionary<string, object?>(),
        Price = new ModelPrice(),
    };

    static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    static readonly Dictionary<string, object?> Keys = new()
    {
        ["aws_access_key_id"] = "AKIDCONFIG", ["aws_secret_access_key"] = "config-secret",
    };

    [Fact]
    public void the_regional_endpoint_follows_aws_region_name_and_the_converse_prefix_is_dropped()
    {
        var target = BedrockTarget.Resolve(Deployment("converse/anthropic.claude-3-haiku-20240307-v1:0",
            new(Keys) { ["aws_region_name"] = "ap-northeast-1" }), Env());

        Assert.Null(target.Problem);
        Assert.Equal("anthropic.claude-3-haiku-20240307-v1:0", target.ModelId);
        Assert.Equal("ap-northeast-1", target.Region);
        Assert.Equal("https://bedrock-runtime.ap-northeast-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream",
            target.OperationUri(stream: true).AbsoluteUri);
        Assert.Equal(new AwsCredentials("AKIDCONFIG", "config-secret"), target.Credentials);
    }

    [Fact]
    public void the_region_comes_from_an_arn_model_id_before_the_environment_and_the_arn_is_encoded_whole()
    {
        const string arn = "arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-3-5-sonnet-20240620-v1:0";
        var target = BedrockTarget.Resolve(Deployment(arn, Keys), Env(("AWS_REGION", "us-east-2")));

        Assert.Equal("eu-central-1", target.Region);
        Assert.Equal("/model/arn%3Aaws%3Abedrock%3Aeu-central-1%3A123456789012%3Ainference-profile%2Feu.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse",
            target.OperationUri(stream: false).AbsolutePath);
    }

    [Theory]
    [InlineData(new[] { "AWS_REGION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION" }, "eu-north-1")]
    [InlineData(new[] { "AWS_REGION", "AWS_DEFAULT_REGION" }, "eu-north-1")]
    [InlineData(new[] { "AWS_DEFAULT_REGION" }, "eu-north-1")]
    [InlineData(new string[0], "us-west-2")]
    public void without_aws_region_name_the_environment_names_the_region_else_litellm_default(string[] set, string region)
    {
        // The first variable set wins; later ones carry a decoy.
        var values = set.Select((name, i) => (name, i == 0 ? "eu-north-1" : "sa-east-1")).ToArray();
        Assert.Equal(region, BedrockTarget.Resolve(Deployment("m", Keys), Env(values)).Region);
    }

    [Fact]
    public void api_base_then_aws_bedrock_runtime_endpoint_override_the_regional_endpoint()
    {
        var viaApiBase = BedrockTarget.Resolve(Deployment("m", Keys, apiBase: "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com"), Env());
        Assert.Equal("vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com", viaApiBase.Endpoint.Host);

        var viaParam = BedrockTarget.Resolve(Deployment("m", new(Keys) { ["aws_bedrock_runtime_endpoint"] = "https://proxy.corp/bedrock" }),
            Env(("AWS_BEDROCK_RUNTIME_ENDPOINT", "https://ignored.example")));
        Assert.Equal("https://proxy.corp/bedrock/model/m/converse", viaParam.OperationUri(false).AbsoluteUri);

        var viaEnv = BedrockTarget.Resolve(Deployment("m", Keys), Env(("AWS_BEDROCK_RUNTIME_ENDPOINT", "http://localhost:9000")));
        Assert.Equal("http://localhost:9000/model/m/converse", viaEnv.OperationUri(false).AbsoluteUri);
    }

    [Fact]
    public void credentials_follow_config_before_environment_and_an_api_key_before_access_keys()
    {
        var env = Env(("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret"), ("AWS_SESSION_TOKEN", "env-token"),
            ("AWS_BEARER_TOKEN_BEDROCK", "env-bearer"));

        Assert.Equal("config-key", BedrockTarget.Resolve(Deployment("m", Keys, apiKey: "config-key"), env).BearerToken);
        Assert.Equal("AKIDCONFIG", BedrockTarget.Resolve(Deployment("m", Keys), env).Credentials!.AccessKeyId);
        Assert.Equal("env-bearer", BedrockTarget.Resolve(Deployment("m"), env).BearerToken);

        var fromEnv = BedrockTarget.Resolve(Deployment("m"), Env(("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret"), ("AWS_SESSION_TOKEN", "env-token")));
        Assert.Equal(new AwsCredentials("AKIDENV", "env-secret", "env-token"), fromEnv.Credentials);
        Assert.Null(fromEnv.BearerToken);
    }

    [Fact]
    public void a_deployment_without_credentials_or_with_half_a_key_pair_fails_with_a_clear_reason()
    {
        var none = BedrockTarget.Resolve(Deployment("m"), Env());
        Assert.Equal(401, none.Problem!.Status);
        Assert.Contains("AWS_ACCESS_KEY_ID", none.Problem.Message);

        var half = BedrockTarget.Resolve(Deployment("m", new() { ["aws_access_key_id"] = "AKID" }), Env());
        Assert.Contains("aws_secret_access_key", half.Problem!.Message);

        var role = BedrockTarget.Resolve(Deployment("m", new() { ["aws_role_name"] = "arn:aws:iam::1:role/x" }),
            Env(("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret")));
        Assert.Contains("aws_role_name is not supported", role.Problem!.Message);
    }

    [Fact]
    public void credentials_never_print_their_secret()
    {
        var text = new AwsCredentials("AKIDPRINT", "top-secret-value", "session-value").ToString();
        Assert.Contains("AKIDPRINT", text);
        Assert.DoesNotContain("top-secret-value", text);
        Assert.DoesNotContain("session-value", text);
    }
}
