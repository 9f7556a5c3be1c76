using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers;

/// <summary>
/// Turns an upstream's error response into the gateway's OpenAI-shaped error, keeping the upstream's status,
/// message, type, param and code where it gave them (clients look for codes such as context_length_exceeded).
/// </summary>
public static class UpstreamErrors
{
    public static ApiError FromResponse(string provider, int status, ReadOnlySpan<byte> body)
    {
        string? message = null, type = null, param = null, code = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e : root;
            if (error.ValueKind == JsonValueKind.String)
            {
                message = error.GetString();
            }
            else if (error.ValueKind == JsonValueKind.Object)
            {
                message = Text(error, "message") ?? Text(error, "detail");
                type = Text(error, "type");
                param = Text(error, "param");
                code = Text(error, "code");
            }
        }
        catch (JsonException)
        {
            // Not JSON: an HTML error page from a load balancer, say. Its text is the message.
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            var text = System.Text.Encoding.UTF8.GetString(body.Length > 2000 ? body[..2000] : body).Trim();
            message = text.Length > 0 ? text : $"HTTP {status} with an empty body";
        }

        return new ApiError(status, type ?? DefaultType(status), $"{provider} error: {message}", param, code);
    }

    public static string DefaultType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        408 => "timeout",
        413 => "invalid_request_error",
        422 => "unprocessable_entity_error",
        429 => "rate_limit_error",
        _ when status >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
