using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;
using Gateway.Domain.Models;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Models;

/// <summary>
/// LiteLLM's <c>POST /model/update</c> (<c>{model_name?, litellm_params?, model_info: {id, …}}</c>) and
/// <c>PATCH /model/{id}/update</c> (<c>{model_name?, litellm_params?, model_info?}</c>). litellm_params and model_info
/// are patches: a field sent replaces or adds, a field sent as null is removed, a field left out stays (a credential
/// too, so a key need not be sent again to change a rate limit). config.yaml's models are read-only here.
/// </summary>
public static class UpdateModel
{
    [WolverinePost("/model/update")]
    public static async Task<IResult> Post(HttpRequest http, [NotBody] Caller caller, IDocumentSession session, StoredDeployments deployments,
        CredentialSeal seal, DeploymentCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        if (fields is null)
            return refusal!;
        var info = fields.Object("model_info")?.Value;
        var id = ModelView.Text(info, "id") ?? fields.Text("model_id")?.Value ?? fields.Text("id")?.Value;
        if (fields.Error is { } invalid)
            return invalid.AsResult();
        if (id is null)
            return ApiError.MissingField("model_info.id", "the id of the model to change (from /model/info)").AsResult();
        return await ApplyAsync(id, fields, session, deployments, seal, catalog, caller, time, ct);
    }

    [WolverinePatch("/model/{id}/update")]
    public static async Task<IResult> Patch(string id, HttpRequest http, [NotBody] Caller caller, IDocumentSession session, StoredDeployments deployments,
        CredentialSeal seal, DeploymentCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        return fields is null ? refusal! : await ApplyAsync(id, fields, session, deployments, seal, catalog, caller, time, ct);
    }

    static async Task<IResult> ApplyAsync(string id, JsonFields fields, IDocumentSession session, StoredDeployments deployments,
        CredentialSeal seal, DeploymentCatalog catalog, Caller caller, TimeProvider time, CancellationToken ct)
    {
        var modelName = fields.Text("model_name");
        var litellmParams = fields.Object("litellm_params")?.Value;
        var info = fields.Object("model_info")?.Value;
        if (fields.Error is { } invalid)
            return invalid.AsResult();
        if (modelName is { Value: null })
            return ApiError.InvalidField("model_name", "cannot be removed; every model needs the name clients call it by").AsResult();
        if (ModelView.Text(info, "id") is { } infoId && infoId != id)
            return ApiError.InvalidField("model_info.id", $"the id of a model does not change (this is {id})").AsResult();

        var command = new UpdateDeployment(id, modelName?.Value,
            litellmParams is null ? null : seal.SealCredentials(litellmParams, id),
            info?.Where(p => p.Key != "id").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        var decision = UpdateDeployment.Decide(command, await ModelCommands.LoadAsync(session, id, ct), deployments.Rules, caller.KeyHash, time.GetUtcNow());
        var (stored, refused) = await ModelCommands.CommitAsync(session, id, decision, start: false, ct);
        return refused ?? Results.Json(ModelView.Of(stored!, catalog));
    }
}
