using System.Globalization;
using Gateway.Api.Errors;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// Where and as whom one Bedrock deployment calls, resolved once per deployment the way LiteLLM resolves it:
/// the model id (without a <c>converse/</c> route prefix), the region, the endpoint, and either a Bedrock API key
/// (bearer token) or AWS access keys to sign with. A deployment that cannot be called holds the reason instead.
/// </summary>
internal sealed class BedrockTarget
{
    /// <summary>The preset's api_base: stands for "the regional endpoint", filled in once the region is known.</summary>
    public const string RegionalEndpoint = "https://bedrock-runtime.amazonaws.com";

    /// <summary>LiteLLM's region when neither config nor environment names one.</summary>
    const string DefaultRegion = "us-west-2";

    public required string ModelId { get; init; }
    public required string Region { get; init; }
    public required Uri Endpoint { get; init; }
    public AwsCredentials? Credentials { get; init; }

    /// <summary>A Bedrock API key, sent as <c>Authorization: Bearer</c> instead of a signature. Never logged.</summary>
    public string? BearerToken { get; init; }

    public ApiError? Problem { get; init; }

    /// <summary>URI of Converse (or ConverseStream) for this model; the id is percent-encoded (":" → %3A, "/" → %2F).</summary>
    public Uri OperationUri(bool stream) =>
        new($"{Endpoint.AbsoluteUri.TrimEnd('/')}/model/{Uri.EscapeDataString(ModelId)}/{(stream ? "converse-stream" : "converse")}");

    public static BedrockTarget Resolve(Deployment deployment, Func<string, string?> environment)
    {
        string? Param(string name) =>
            deployment.Params.TryGetValue(name, out var value) && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text
                ? text
                : null;
        string? Env(string name) => environment(name) is { Length: > 0 } value ? value : null;

        var modelId = deployment.UpstreamModel.StartsWith("converse/", StringComparison.Ordinal)
            ? deployment.UpstreamModel["converse/".Length..]
            : deployment.UpstreamModel;

        var region = Param("aws_region_name") ?? RegionOfArn(modelId)
            ?? Env("AWS_REGION_NAME") ?? Env("AWS_REGION") ?? Env("AWS_DEFAULT_REGION") ?? DefaultRegion;

        // api_base, then aws_bedrock_runtime_endpoint, then AWS_BEDROCK_RUNTIME_ENDPOINT, then the regional endpoint.
        var endpoint = new Uri($"https://bedrock-runtime.{region}.amazonaws.com");
        string? badEndpoint = null;
        if (deployment.ApiBase is { } configured && configured.AbsoluteUri.TrimEnd('/') != RegionalEndpoint)
            endpoint = configured;
        else if ((Param("aws_bedrock_runtime_endpoint") ?? Env("AWS_BEDROCK_RUNTIME_ENDPOINT")) is { } custom)
        {
            if (Uri.TryCreate(custom, UriKind.Absolute, out var customUri) && customUri.Scheme is "http" or "https")
                endpoint = customUri;
            else
                badEndpoint = custom;
        }

        var target = new BedrockTarget { ModelId = modelId, Region = region, Endpoint = endpoint };
        if (badEndpoint is not null)
            return target.With(Misconfigured($"aws_bedrock_runtime_endpoint '{badEndpoint}' is not an http(s) URL."));

        if (modelId.StartsWith("invoke/", StringComparison.Ordinal))
            return target.With(Misconfigured("the InvokeModel route (bedrock/invoke/…) is not supported here; use bedrock/<model id> or bedrock/converse/<model id>."));

        // Explicit config first (an api_key, then access keys), then the environment, as LiteLLM and the AWS SDKs do.
        if (deployment.ApiKey is { Length: > 0 } apiKey)
            return target.With(bearer: apiKey);

        var accessKey = Param("aws_access_key_id");
        var secretKey = Param("aws_secret_access_key");
        if (accessKey is not null || secretKey is not null)
        {
            return accessKey is null || secretKey is null
                ? target.With(Refuse("litellm_params sets only one of aws_access_key_id and aws_secret_access_key; set both."))
                : target.With(credentials: new AwsCredentials(accessKey, secretKey, Param("aws_session_token")));
        }

        // Assumed roles and profiles need STS or files this gateway does not read: say so rather than sign as someone else.
        foreach (var unsupported in new[] { "aws_role_name", "aws_profile_name", "aws_web_identity_token" })
            if (Param(unsupported) is not null)
                return target.With(Misconfigured($"{unsupported} is not supported by this gateway yet; give aws_access_key_id and aws_secret_access_key " +
                                          "(with aws_session_token for temporary credentials) or a Bedrock API key (api_key / AWS_BEARER_TOKEN_BEDROCK)."));

        if (Env("AWS_BEARER_TOKEN_BEDROCK") is { } token)
            return target.With(bearer: token);

        if (Env("AWS_ACCESS_KEY_ID") is { } envAccessKey && Env("AWS_SECRET_ACCESS_KEY") is { } envSecretKey)
            return target.With(credentials: new AwsCredentials(envAccessKey, envSecretKey, Env("AWS_SESSION_TOKEN")));

        return target.With(Refuse("no AWS credentials: set aws_access_key_id and aws_secret_access_key in litellm_params, " +
                                  "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or a Bedrock API key (api_key / AWS_BEARER_TOKEN_BEDROCK)."));
    }

    BedrockTarget With(ApiError? problem = null, AwsCredentials? credentials = null, string? bearer = null) => new()
    {
        ModelId = ModelId, Region = Region, Endpoint = Endpoint,
        Problem = problem, Credentials = credentials, BearerToken = bearer,
    };

    static ApiError Refuse(string why) => new(401, "authentication_error", $"bedrock: {why}", null, "401");

    static ApiError Misconfigured(string why) => new(500, "api_error", $"bedrock deployment misconfigured: {why}", null, "500");

    /// <summary><c>arn:aws:bedrock:eu-west-1:123456789012:inference-profile/…</c> names its region.</summary>
    static string? RegionOfArn(string modelId)
    {
        if (!modelId.StartsWith("arn:", StringComparison.Ordinal))
            return null;
        var parts = modelId.Split(':');
        return parts.Length > 4 && parts[3].Length > 0 ? parts[3] : null;
    }
}
