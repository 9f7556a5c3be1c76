using System.Globalization;
using Gateway.Api.Errors;

namespace Gateway.Api.Routing;

/// <summary>The router's own refusals, in LiteLLM's words.</summary>
public static class RoutingErrors
{
    /// <summary>
    /// LiteLLM's RouterRateLimitError: every deployment of the group is cooling down (or at its limits). The client
    /// gets a 429 with <c>retry-after</c> set to when the first one is back.
    /// </summary>
    public static ApiError NoDeploymentsAvailable(string model, TimeSpan retryIn, bool preCallChecks, IEnumerable<string> coolingIds)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryIn.TotalSeconds));
        var list = string.Join(", ", coolingIds.Select(id => $"'{id}'"));
        return new ApiError(429, "rate_limit_error",
            $"No deployments available for selected model, Try again in {seconds.ToString(CultureInfo.InvariantCulture)} seconds. " +
            $"Passed model={model}. pre-call-checks={(preCallChecks ? "True" : "False")}, cooldown_list=[{list}]", "None", "429")
        {
            RetryAfterSeconds = seconds,
        };
    }

    /// <summary>Pre-call checks left no deployment whose context window holds the prompt (LiteLLM's wording; context-window fallbacks apply).</summary>
    public static ApiError NoContextWindowLargeEnough(string model, int promptTokens) => new(400, "invalid_request_error",
        "litellm.ContextWindowExceededError: litellm._pre_call_checks: Context Window exceeded for given call. " +
        $"No models have context window large enough for this call. Passed model={model}, prompt tokens={promptTokens.ToString(CultureInfo.InvariantCulture)}",
        "messages", "context_length_exceeded");

    /// <summary>Tag routing found no deployment for the request's tags and none tagged <c>default</c>.</summary>
    public static ApiError NoDeploymentForTags(string model, IReadOnlyList<string> tags) => new(400, "invalid_request_error",
        $"Not allowed to access model due to tags configuration. Passed model={model} and tags=[{string.Join(", ", tags)}]. " +
        "No deployment of this model has one of these tags, and none is tagged 'default'.", "tags", "400");
}
