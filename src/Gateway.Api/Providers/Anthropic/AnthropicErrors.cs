using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>
/// Anthropic's errors (<c>{"type":"error","error":{"type","message"}}</c>, as a response or a stream event) as the
/// gateway's errors, the way LiteLLM maps them: a prompt that is too long becomes a context-window error (400 with
/// <c>context_length_exceeded</c>, and LiteLLM's exception name in the message so its SDK re-raises it), 413 becomes a
/// 400 and Anthropic's 504 a timeout. Overloaded (529, a status no HTTP client knows) becomes a 503: LiteLLM raises an
/// InternalServerError (500) there, but 503 says what it is, "try again shortly", and every client retries it.
/// Anthropic's own error type is kept.
/// </summary>
public static class AnthropicErrors
{
    const string Provider = "anthropic";

    public static ApiError FromResponse(int status, ReadOnlySpan<byte> body, int? retryAfterSeconds)
    {
        var (type, message) = Read(body);
        if (message is null)
        {
            var text = System.Text.Encoding.UTF8.GetString(body.Length > 2000 ? body[..2000] : body).Trim();
            message = text.Length > 0 ? text : $"HTTP {status} with an empty body";
        }
        return Map(status, type, message) with { RetryAfterSeconds = retryAfterSeconds };
    }

    /// <summary>An <c>error</c> event in the middle of a stream: its type says what the status would have been.</summary>
    public static ApiError FromStreamEvent(ReadOnlySpan<byte> data)
    {
        var (type, message) = Read(data);
        return Map(StatusOf(type), type, message ?? "the stream reported an error");
    }

    static ApiError Map(int status, string? type, string message)
    {
        if (IsContextWindowExceeded(message))
            return new ApiError(400, "invalid_request_error",
                $"litellm.ContextWindowExceededError: {Provider} error: {message}", null, "context_length_exceeded");
        if (message.Contains("content filtering policy", StringComparison.OrdinalIgnoreCase))
            return new ApiError(400, "invalid_request_error",
                $"litellm.ContentPolicyViolationError: {Provider} error: {message}", null, "content_policy_violation");

        var mapped = status switch
        {
            413 => 400,
            529 => 503,
            504 => 408,
            _ => status,
        };
        return new ApiError(mapped, type ?? UpstreamErrors.DefaultType(status), $"{Provider} error: {message}");
    }

    static bool IsContextWindowExceeded(string message) =>
        message.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase)
        || message.StartsWith("prompt: length", StringComparison.OrdinalIgnoreCase)
        || message.Contains("context window", StringComparison.OrdinalIgnoreCase) && message.Contains("exceed", StringComparison.OrdinalIgnoreCase);

    /// <summary>The HTTP status Anthropic documents for each error type.</summary>
    public static int StatusOf(string? type) => type switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "timeout_error" => 504,
        "overloaded_error" => 529,
        _ => 500,
    };

    static (string? Type, string? Message) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return (null, null);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isError = reader.ValueTextEquals("error"u8);
                reader.Read();
                if (!isError || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                string? type = null, message = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("type"u8);
                    var isMessage = reader.ValueTextEquals("message"u8);
                    reader.Read();
                    if (isType && reader.TokenType == JsonTokenType.String) type = reader.GetString();
                    else if (isMessage && reader.TokenType == JsonTokenType.String) message = reader.GetString();
                    else reader.Skip();
                }
                return (type, message);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): the caller uses the text.
        }
        return (null, null);
    }
}
