using Gateway.Api.Errors;

namespace Gateway.Api.Routing;

/// <summary>What kind of failure an upstream error is, as LiteLLM's router tells them apart for retries, cooldowns and fallbacks.</summary>
public enum UpstreamErrorKind
{
    /// <summary>A 4xx about the request itself (400, 413, 422, …): another try would fail the same way.</summary>
    BadRequest,
    /// <summary>The prompt does not fit the model's context window (LiteLLM's ContextWindowExceededError).</summary>
    ContextWindow,
    /// <summary>The provider's content filter refused (LiteLLM's ContentPolicyViolationError).</summary>
    ContentPolicy,
    /// <summary>401: the deployment's credentials are wrong.</summary>
    Authentication,
    /// <summary>403.</summary>
    PermissionDenied,
    /// <summary>404: the deployment does not serve the model.</summary>
    NotFound,
    /// <summary>408, or no answer within the timeout.</summary>
    Timeout,
    /// <summary>429.</summary>
    RateLimit,
    /// <summary>5xx, or the upstream could not be reached or broke off.</summary>
    InternalServer,
}

public static class UpstreamErrorKinds
{
    public static UpstreamErrorKind Of(ApiError error) => error.Status switch
    {
        429 => UpstreamErrorKind.RateLimit,
        401 => UpstreamErrorKind.Authentication,
        404 => UpstreamErrorKind.NotFound,
        408 => UpstreamErrorKind.Timeout,
        >= 500 => UpstreamErrorKind.InternalServer,
        _ when error.Type == "timeout" => UpstreamErrorKind.Timeout,
        _ when IsContextWindow(error) => UpstreamErrorKind.ContextWindow,
        _ when IsContentPolicy(error) => UpstreamErrorKind.ContentPolicy,
        403 => UpstreamErrorKind.PermissionDenied,
        _ => UpstreamErrorKind.BadRequest,
    };

    // Providers here keep OpenAI's code or LiteLLM's exception name (see AnthropicErrors, BedrockErrors, AzureErrors);
    // the phrases catch OpenAI-compatible servers that send neither.
    static bool IsContextWindow(ApiError error) =>
        error.Code == "context_length_exceeded"
        || error.Message.Contains("ContextWindowExceededError", StringComparison.Ordinal)
        || error.Message.Contains("maximum context length", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("context_length_exceeded", StringComparison.Ordinal);

    static bool IsContentPolicy(ApiError error) =>
        error.Code is "content_policy_violation" or "content_filter"
        || error.Type == "content_policy_violation"
        || error.Message.Contains("ContentPolicyViolationError", StringComparison.Ordinal);
}
