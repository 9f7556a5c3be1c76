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
/// LiteLLM's <c>POST /model/new</c> <c>{model_name, litellm_params, model_info}</c>: a deployment served from the next
/// call on, on every node, with no restart. Its credentials are sealed before they are stored and never shown back.
/// </summary>
public static class NewModel
{
    [WolverinePost("/model/new")]
    public static async Task<IResult> Post(HttpRequest http, [NotBody] Caller caller, IDocumentSession session, StoredDeployments deployments,
        CredentialSeal seal, DeploymentCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        if (fields is null)
            return refusal!;
        var modelName = fields.RequiredText("model_name");
        var litellmParams = fields.Object("litellm_params");
        var modelInfo = fields.Object("model_info")?.Value;
        if (fields.Error is { } invalid)
            return invalid.AsResult();
        if (litellmParams?.Value is not { } given)
            return ApiError.MissingField("litellm_params", "an object with at least model, e.g. {\"model\": \"openai/gpt-4o\"}").AsResult();
        if (modelInfo is not null && modelInfo.TryGetValue("id", out var idValue) && idValue.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            return ApiError.InvalidField("model_info.id", "expected a string").AsResult();

        // LiteLLM gives a model without an id a new UUID.
        var id = ModelView.Text(modelInfo, "id") ?? Guid.NewGuid().ToString();
        var decision = AddDeployment.Decide(new AddDeployment(id, modelName!, seal.SealCredentials(given, id), modelInfo),
            await ModelCommands.LoadAsync(session, id, ct), deployments.Rules, caller.KeyHash, time.GetUtcNow());
        var (stored, refused) = await ModelCommands.CommitAsync(session, id, decision, start: true, ct);
        if (refused is not null)
            return refused;

        var created = ModelView.Of(stored!, catalog);
        created["model_id"] = stored!.DeploymentId;
        return Results.Json(created);
    }
}
