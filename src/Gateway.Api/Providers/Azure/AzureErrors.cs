using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Azure;

/// <summary>
/// Azure OpenAI's errors. A prompt or completion stopped by Azure's content filter (400 with <c>code: content_filter</c>
/// or <c>innererror.code: ResponsibleAIPolicyViolation</c>) becomes what LiteLLM's proxy answers for its
/// ContentPolicyViolationError: a 400 whose message starts <c>litellm.ContentPolicyViolationError: AzureException - </c>,
/// with <c>param</c> null and <c>code</c> "400" — the prefix is how clients and content-policy fallbacks recognise it.
/// Everything else (401, 404 DeploymentNotFound, 429 with retry-after, 5xx) keeps Azure's status, message and code.
/// </summary>
public static class AzureErrors
{
    public const string ContentPolicyPrefix = "litellm.ContentPolicyViolationError: AzureException - ";

    public static ApiError FromResponse(string provider, int status, ReadOnlySpan<byte> body) =>
        status == 400 && ContentFilterMessage(body) is { } message
            ? new ApiError(400, "invalid_request_error", ContentPolicyPrefix + message)
            : UpstreamErrors.FromResponse(provider, status, body);

    /// <summary>Azure's message when the body is a content-filter refusal; otherwise null.</summary>
    static string? ContentFilterMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
            var code = Text(error, "code");
            var inner = error.TryGetProperty("innererror", out var i) || error.TryGetProperty("inner_error", out i) ? i : default;
            var innerCode = inner.ValueKind == JsonValueKind.Object ? Text(inner, "code") : null;
            if (code is not ("content_filter" or "content_policy_violation") && innerCode != "ResponsibleAIPolicyViolation")
                return null;
            return Text(error, "message") ?? "The request was blocked by Azure OpenAI's content management policy.";
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
