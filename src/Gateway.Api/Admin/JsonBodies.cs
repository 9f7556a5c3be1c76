using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Admin;

/// <summary>
/// LiteLLM reads admin bodies as JSON whatever the Content-Type, and scripts rely on it (<c>curl -d '{…}'</c> sends
/// a form type). The admin routes do the same, rather than answering 415 with an empty body.
/// </summary>
public static class JsonBodies
{
    static readonly string[] AdminPrefixes = ["/key/", "/team/", "/user/", "/customer/", "/spend/", "/global/", "/model/"];

    public static IApplicationBuilder UseJsonBodiesOnAdminRoutes(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && !IsJson(request.ContentType) && IsAdminRoute(request.Path))
            request.ContentType = "application/json";
        return next(context);
    });

    static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Contains("json", StringComparison.OrdinalIgnoreCase);

    static bool IsAdminRoute(PathString path)
    {
        foreach (var prefix in AdminPrefixes)
            if (path.StartsWithSegments(prefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }
}
