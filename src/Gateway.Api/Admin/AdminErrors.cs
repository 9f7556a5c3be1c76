using Gateway.Api.Errors;
using Gateway.Api.Providers;
using Gateway.Domain;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Admin;

/// <summary>The admin API's refusals in the same catalogue and shape as the proxy's.</summary>
public static class AdminErrors
{
    public static ApiError From(Rejection rejection) => rejection.Kind switch
    {
        RejectionKind.NotFound => new ApiError(404, "not_found_error", rejection.Message, rejection.Field, "404"),
        RejectionKind.Forbidden => new ApiError(403, "permission_error", rejection.Message, rejection.Field, "403"),
        _ => new ApiError(400, "invalid_request_error", rejection.Message, rejection.Field, "400"),
    };

    public static ApiError AdminOnly() => new(403, "permission_error",
        "Only the master key or an admin user may call this admin route.", null, "403");
}

/// <summary>Rewrites the ProblemDetails that Wolverine and ASP.NET produce (bad JSON, missing aggregates) into our shape.</summary>
public sealed class ApiErrorProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var error = new ApiError(status, UpstreamErrors.DefaultType(status), problem.Detail ?? problem.Title ?? "The request was refused.");
        return new ValueTask(ApiErrorWriter.WriteAsync(context.HttpContext, error));
    }
}
