using System.Text;
using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// Bedrock's errors as the gateway's OpenAI-shaped ones. AWS names the error in the <c>x-amzn-ErrorType</c> header
/// (<c>ThrottlingException:http://…</c>), or in the body's <c>__type</c>, with <c>{"message": …}</c> as the body; in a
/// stream, an <c>exception</c> message names it in <c>:exception-type</c> (<c>throttlingException</c>). The status follows
/// the error's meaning, so retries, cooldowns and context-window fallbacks behave as for any provider.
/// </summary>
internal static class BedrockErrors
{
    public static ApiError FromResponse(int status, string? errorTypeHeader, ReadOnlySpan<byte> body)
    {
        var (bodyType, message) = ReadBody(body);
        var type = Shorten(errorTypeHeader) ?? bodyType;
        if (string.IsNullOrWhiteSpace(message))
        {
            var text = Encoding.UTF8.GetString(body.Length > 2000 ? body[..2000] : body).Trim();
            message = text.Length > 0 ? text : $"HTTP {status} with an empty body";
        }
        return Map(type, status, message);
    }

    public static ApiError FromStreamMessage(EventStreamMessage message)
    {
        if (message.MessageType == "exception")
        {
            var (_, text) = ReadBody(message.Payload.Span);
            return Map(message.ExceptionType, 500, text ?? Encoding.UTF8.GetString(message.Payload.Span));
        }
        // A generic event-stream error carries its code and message in headers.
        return Map(message.ErrorCode, 500, message.ErrorMessage ?? $"the stream reported {message.MessageType}");
    }

    static ApiError Map(string? type, int status, string message)
    {
        var (mapped, openAIType, code) = type?.ToLowerInvariant() switch
        {
            "throttlingexception" or "servicequotaexceededexception" or "toomanyrequestsexception" => (429, "rate_limit_error", (string?)null),
            "validationexception" when IsContextWindow(message) => (400, "invalid_request_error", "context_length_exceeded"),
            "validationexception" => (400, "invalid_request_error", null),
            "accessdeniedexception" => (403, "permission_error", null),
            "unrecognizedclientexception" or "invalidsignatureexception" or "incompletesignatureexception"
                or "missingauthenticationtokenexception" or "expiredtokenexception" or "invalidclienttokenid"
                or "signaturedoesnotmatch" => (401, "authentication_error", null),
            "resourcenotfoundexception" => (404, "not_found_error", null),
            "modeltimeoutexception" => (408, "timeout", null),
            "modelnotreadyexception" or "serviceunavailableexception" => (503, "api_error", null),
            "internalserverexception" or "modelerrorexception" or "modelstreamerrorexception" => (500, "api_error", null),
            _ => (status, UpstreamErrors.DefaultType(status), null),
        };
        var label = type is null ? "" : $" ({type})";
        return new ApiError(mapped, openAIType, $"bedrock error{label}: {message}", null, code);
    }

    /// <summary>How Bedrock's models word "the prompt does not fit" inside a ValidationException.</summary>
    static bool IsContextWindow(string message) =>
        message.Contains("too long", StringComparison.OrdinalIgnoreCase)
        || message.Contains("too many input tokens", StringComparison.OrdinalIgnoreCase)
        || message.Contains("too many tokens", StringComparison.OrdinalIgnoreCase)
        || message.Contains("context length", StringComparison.OrdinalIgnoreCase)
        || message.Contains("context window", StringComparison.OrdinalIgnoreCase)
        || message.Contains("maximum context", StringComparison.OrdinalIgnoreCase)
        || message.Contains("exceeds the maximum number of tokens", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>ThrottlingException:http://internal.amazon.com/…</c> → <c>ThrottlingException</c>; <c>ns#Name</c> → <c>Name</c>.</summary>
    static string? Shorten(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
            return null;
        var colon = type.IndexOf(':');
        if (colon >= 0)
            type = type[..colon];
        var hash = type.LastIndexOf('#');
        return hash >= 0 ? type[(hash + 1)..] : type.Trim();
    }

    static (string? Type, string? Message) ReadBody(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, null);
            var message = Text(root, "message") ?? Text(root, "Message");
            var type = Shorten(Text(root, "__type"));
            return (type, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
