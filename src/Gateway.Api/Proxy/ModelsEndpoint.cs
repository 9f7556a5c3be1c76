using Gateway.Api.Errors;
using Gateway.Api.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Proxy;

/// <summary><c>GET /v1/models</c>: the model groups this key may call (all of them for the master key), in OpenAI's list shape.</summary>
public static class ModelsEndpoint
{
    /// <summary>LiteLLM answers with this fixed timestamp and owner; clients only read the ids.</summary>
    const long Created = 1677610602;

    public static async Task<IResult> List(HttpRequest request, Authenticator authenticator, DeploymentCatalog deployments, CancellationToken ct)
    {
        var (caller, error) = await authenticator.AuthenticateAsync(request, ct);
        if (caller is null)
            return error!.AsResult();

        var data = deployments.Current.ModelNames
            .Where(caller.MayUse)
            .Order(StringComparer.Ordinal)
            .Select(id => new { id, @object = "model", created = Created, owned_by = "openai" });
        return Results.Json(new { data, @object = "list" });
    }
}
