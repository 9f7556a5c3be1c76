using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Errors;

/// <summary>The one mapping from <see cref="ApiError"/> to an HTTP response or an SSE error event.</summary>
public static class ApiErrorWriter
{
    public static Task WriteAsync(HttpContext context, ApiError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return response.Body.WriteAsync(ToJson(error), context.RequestAborted).AsTask();
    }

    /// <summary>As a minimal-API result, for endpoints that return <see cref="IResult"/>.</summary>
    public static IResult AsResult(this ApiError error) => new ErrorResult(error);

    public static byte[] ToJson(ApiError error)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", error.Message);
            json.WriteString("type", error.Type);
            if (error.Param is null) json.WriteNull("param"); else json.WriteString("param", error.Param);
            json.WriteString("code", error.CodeOrStatus);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    sealed class ErrorResult(ApiError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, error);
    }
}
