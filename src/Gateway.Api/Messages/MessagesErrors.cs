using System.Text.Json;
using Gateway.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Messages;

/// <summary>
/// The gateway's errors in Anthropic's shape, <c>{"type":"error","error":{"type","message"}}</c>, with the same status
/// and <c>retry-after</c> as on the OpenAI endpoints. The type is Anthropic's for the status (its SDKs pick the
/// exception by status; the type tells overloaded from other 5xx), or the error's own when it is already one of them.
/// </summary>
public static class MessagesErrors
{
    static readonly HashSet<string> AnthropicTypes =
    [
        "invalid_request_error", "authentication_error", "billing_error", "permission_error", "not_found_error",
        "request_too_large", "rate_limit_error", "api_error", "timeout_error", "overloaded_error",
    ];

    public static Task WriteAsync(HttpContext context, ApiError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteProperties(json, error);
            json.WriteEndObject();
        }
        return response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    /// <summary>The members of the error object, for a writer standing inside it.</summary>
    public static void WriteProperties(Utf8JsonWriter json, ApiError error)
    {
        json.WriteString("type", "error");
        json.WriteStartObject("error");
        json.WriteString("type", TypeFor(error));
        json.WriteString("message", error.Message);
        json.WriteEndObject();
    }

    public static string TypeFor(ApiError error) => AnthropicTypes.Contains(error.Type) ? error.Type : error.Status switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        408 or 504 => "timeout_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };
}
