using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Models;

/// <summary>
/// LiteLLM's <c>GET /model/info</c> (also <c>/v1/model/info</c>): every deployment, config.yaml's and the database's,
/// as this node serves them now, credentials stripped; <c>?litellm_model_id=</c> picks one. Admins and viewers.
/// </summary>
public static class ModelInfoEndpoint
{
    [WolverineGet("/model/info")]
    public static IResult Get(string? litellm_model_id, Caller caller, DeploymentCatalog catalog) => Answer(litellm_model_id, caller, catalog);

    [WolverineGet("/v1/model/info")]
    public static IResult GetV1(string? litellm_model_id, Caller caller, DeploymentCatalog catalog) => Answer(litellm_model_id, caller, catalog);

    static IResult Answer(string? id, Caller caller, DeploymentCatalog catalog)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();

        var data = new List<Dictionary<string, object?>>();
        foreach (var group in catalog.FromConfig.Groups.Values)
            foreach (var deployment in group.Deployments)
                if (id is null || deployment.Id == id)
                    data.Add(ModelView.FromConfig(deployment));
        foreach (var stored in catalog.Stored)
            if (id is null || stored.Stored.DeploymentId == id)
                data.Add(ModelView.FromDatabase(stored));

        return id is not null && data.Count == 0
            ? new ApiError(404, "not_found_error", $"Model {id} not found on proxy.", "litellm_model_id", "404").AsResult()
            : Results.Json(new { data });
    }
}
