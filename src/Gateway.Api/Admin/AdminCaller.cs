using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin;

/// <summary>
/// Wolverine middleware for every admin route: authenticates the key like the proxy does and hands the
/// <see cref="Caller"/> to the endpoint. Routes decide themselves whether a non-admin key may proceed.
/// <para>
/// It then checks what the route is about to read, before Wolverine binds it: a body within
/// <c>max_request_size_mb</c> that is one JSON object of storable text (<see cref="RequestJson"/>), and query values
/// without NUL. Admin input ends up in PostgreSQL, which refuses NUL, lone surrogates and over-long index entries;
/// refused here, each is a 4xx naming the problem instead of a 500 from the database.
/// </para>
/// </summary>
public static class AdminCaller
{
    public static async Task<(IResult, Caller?)> BeforeAsync(HttpContext context, Authenticator authenticator, ProxyOptions options)
    {
        var (caller, error) = await authenticator.AuthenticateAsync(context.Request, context.RequestAborted);
        if (caller is null)
            return (error!.AsResult(), null);
        return await UnreadableInputAsync(context.Request, options) is { } invalid
            ? (invalid.AsResult(), null)
            : (WolverineContinue.Result(), caller);
    }

    static async Task<ApiError?> UnreadableInputAsync(HttpRequest request, ProxyOptions options)
    {
        foreach (var (name, values) in request.Query)
            foreach (var value in values)
                if (value is not null && value.Contains('\0', StringComparison.Ordinal))
                    return ApiError.InvalidField(name, "must not contain NUL (%00)");

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsDelete(request.Method))
            return null;

        using var body = await RequestBody.ReadAsync(request, options.MaxRequestBytes, request.HttpContext.RequestAborted);
        if (body is null)
            return ApiError.BodyTooLarge(options.MaxRequestBytes);
        if (RequestJson.Check(body.Span, RequestJson.MaxDepth, storable: true) is { } invalid)
            return invalid;
        // The route reads the same bytes again, now known to be sound.
        request.Body = new MemoryStream(body.Span.ToArray(), writable: false);
        request.ContentLength = body.Length;
        return null;
    }
}
