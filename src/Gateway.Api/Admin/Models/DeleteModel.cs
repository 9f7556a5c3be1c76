using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;
using Gateway.Domain.Models;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Models;

/// <summary>LiteLLM's <c>POST /model/delete {id}</c>: the model stops being served on every node. config.yaml's are read-only.</summary>
public static class DeleteModel
{
    [WolverinePost("/model/delete")]
    public static async Task<IResult> Post(HttpRequest http, [NotBody] Caller caller, IDocumentSession session, StoredDeployments deployments,
        TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await JsonFields.ReadForAdminAsync(http, caller, ct);
        if (fields is null)
            return refusal!;
        var id = fields.RequiredText("id");
        if (fields.Error is { } invalid)
            return invalid.AsResult();

        var decision = RemoveDeployment.Decide(new RemoveDeployment(id!), await ModelCommands.LoadAsync(session, id!, ct),
            deployments.Rules, caller.KeyHash, time.GetUtcNow());
        var (_, refused) = await ModelCommands.CommitAsync(session, id!, decision, start: false, ct);
        return refused ?? Results.Json(new { message = $"Model: {id} deleted successfully" });
    }
}
