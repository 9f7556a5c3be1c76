using Gateway.Api.Admin;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Api.Routing;

/// <summary>
/// LiteLLM's <c>GET /health</c> (admins only here: it calls every upstream): each deployment probed, or the last
/// background round when background health checks are on; <c>?model=</c> narrows it to one model group.
/// </summary>
public static class HealthCheckEndpoint
{
    public static IEndpointRouteBuilder MapDeploymentHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", CheckAsync);
        return routes;
    }

    static async Task<IResult> CheckAsync(HttpContext context, Authenticator authenticator, DeploymentCatalog deployments,
        BackgroundHealthChecks background, TimeProvider time, string? model)
    {
        var ct = context.RequestAborted;
        var (caller, error) = await authenticator.AuthenticateAsync(context.Request, ct);
        if (caller is null)
            return error!.AsResult();
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();

        var table = deployments.Current;
        IEnumerable<ModelGroup> groups = table.Groups.Values;
        if (model is not null)
        {
            if (table.Find(model) is not { } group)
                return ApiError.UnknownModel(model).AsResult();
            groups = [group];
        }

        // The last background round may still list a deployment removed since; only what is served now is reported.
        var results = background.Latest is { } latest && model is null
            ? latest.Where(r => table.Groups.TryGetValue(r.Deployment.ModelGroup, out var group) && group.Deployments.Any(d => d.Id == r.Deployment.Id)).ToList()
            : await DeploymentProbe.ProbeAllAsync(groups, time, ct);
        var healthy = results.Where(r => r.Healthy).Select(r => Describe(r)).ToList();
        var unhealthy = results.Where(r => !r.Healthy).Select(r => Describe(r)).ToList();
        return Results.Json(new
        {
            healthy_endpoints = healthy,
            unhealthy_endpoints = unhealthy,
            healthy_count = healthy.Count,
            unhealthy_count = unhealthy.Count,
        });
    }

    /// <summary>What LiteLLM lists per endpoint: the model and where it lives; never its key.</summary>
    static Dictionary<string, object?> Describe(ProbeResult result)
    {
        var deployment = result.Deployment;
        var endpoint = new Dictionary<string, object?>
        {
            ["model"] = deployment.QualifiedModel,
            ["model_group"] = deployment.ModelGroup,
            ["model_id"] = deployment.Id,
            ["api_base"] = deployment.ApiBase?.GetLeftPart(UriPartial.Path),
            ["checked_at"] = result.At,
        };
        if (!result.Healthy)
            endpoint["error"] = result.Error;
        return endpoint;
    }
}
