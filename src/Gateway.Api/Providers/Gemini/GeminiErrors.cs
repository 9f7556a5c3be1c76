using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// Google's errors (<c>{"error": {"code", "message", "status", "details"}}</c>, also inside an array or as a stream
/// event) as the gateway's, the way LiteLLM's Vertex/Gemini mapping reads them: a prompt too long for the model
/// ("exceeds the maximum number of tokens allowed", "Request payload size exceeds the limit") is a context-window
/// error (400, <c>context_length_exceeded</c>, LiteLLM's exception name in the message so its SDK re-raises it and the
/// router can fall back); "API key not valid" (which Google sends as a 400) is a 401; a blocked response a content
/// policy violation; RESOURCE_EXHAUSTED, "Quota exceeded", or a 5xx wrapping code 429 a 429 (with Google's
/// <c>RetryInfo</c> delay as retry-after); 504 DEADLINE_EXCEEDED a timeout (408). Google's status name is kept in the message.
/// </summary>
internal static class GeminiErrors
{
    public static ApiError FromResponse(string provider, int status, ReadOnlySpan<byte> body)
    {
        var (code, message, statusName, retryDelay) = Read(body);
        if (string.IsNullOrWhiteSpace(message))
        {
            var text = Encoding.UTF8.GetString(body.Length > 2000 ? body[..2000] : body).Trim();
            message = text.Length > 0 ? text : $"HTTP {status} with an empty body";
        }
        if (status < 400 && code is >= 400)
            status = code.Value; // an error event inside a 200 stream carries its own code
        var label = statusName is null ? "" : $" ({statusName})";
        var error = Map(provider, status, code, statusName, message, label);
        return retryDelay is { } seconds ? error with { RetryAfterSeconds = seconds } : error;
    }

    static ApiError Map(string provider, int status, int? code, string? statusName, string message, string label)
    {
        if (IsContextWindowExceeded(message))
            return new ApiError(400, "invalid_request_error",
                $"litellm.ContextWindowExceededError: {provider} error{label}: {message}", null, "context_length_exceeded");
        if (message.Contains("API key not valid", StringComparison.OrdinalIgnoreCase)
            || message.Contains("API key expired", StringComparison.OrdinalIgnoreCase))
            return new ApiError(401, "authentication_error", $"{provider} error{label}: {message}", null, "401");
        if (message.Contains("The response was blocked", StringComparison.OrdinalIgnoreCase))
            return new ApiError(400, "invalid_request_error",
                $"litellm.ContentPolicyViolationError: {provider} error{label}: {message}", null, "content_policy_violation");
        if (status == 429 || statusName == "RESOURCE_EXHAUSTED" || code == 429
            || message.Contains("Quota exceeded", StringComparison.OrdinalIgnoreCase))
            return new ApiError(429, "rate_limit_error", $"litellm.RateLimitError: {provider} error{label}: {message}", null, "429");

        var mapped = status switch
        {
            504 => 408,
            _ when statusName == "DEADLINE_EXCEEDED" => 408,
            _ when statusName == "UNAUTHENTICATED" && status is 400 or 403 => 401,
            _ => status,
        };
        var type = mapped == 408 ? "timeout" : UpstreamErrors.DefaultType(mapped);
        return new ApiError(mapped, type, $"{provider} error{label}: {message}", null,
            mapped.ToString(CultureInfo.InvariantCulture));
    }

    static bool IsContextWindowExceeded(string message) =>
        message.Contains("exceeds the maximum number of tokens allowed", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Request payload size exceeds", StringComparison.OrdinalIgnoreCase)
        || message.Contains("maximum context length", StringComparison.OrdinalIgnoreCase)
        || message.Contains("context window", StringComparison.OrdinalIgnoreCase) && message.Contains("exceed", StringComparison.OrdinalIgnoreCase);

    /// <summary>The error object's code, message, status name and <c>RetryInfo.retryDelay</c> in whole seconds.</summary>
    static (int? Code, string? Message, string? Status, int? RetryDelay) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            // streamGenerateContent without alt=sse answers with an array; its error is the first element's.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
                root = root[0];
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
                return (null, null, null, null);
            if (error.ValueKind == JsonValueKind.String)
                return (null, error.GetString(), null, null);
            if (error.ValueKind != JsonValueKind.Object)
                return (null, null, null, null);

            int? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return (code, message, status, RetryDelay(error));
        }
        catch (JsonException)
        {
            return (null, null, null, null); // an HTML page from a proxy, say: the caller uses the text
        }
    }

    /// <summary><c>details[{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}]</c>.</summary>
    static int? RetryDelay(JsonElement error)
    {
        if (!error.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var detail in details.EnumerateArray())
        {
            if (detail.ValueKind != JsonValueKind.Object
                || !detail.TryGetProperty("@type", out var type) || type.ValueKind != JsonValueKind.String
                || !type.GetString()!.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal)
                || !detail.TryGetProperty("retryDelay", out var delay) || delay.ValueKind != JsonValueKind.String)
                continue;
            var text = delay.GetString()!.TrimEnd('s');
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                return Math.Max(1, (int)Math.Ceiling(seconds));
        }
        return null;
    }
}
