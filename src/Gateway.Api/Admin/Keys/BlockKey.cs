using Gateway.Api.Errors;
using Gateway.Api.Keys;
using Gateway.Api.Proxy;
using Gateway.Domain.Keys;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Keys;

/// <summary>LiteLLM's <c>POST /key/block</c> and <c>POST /key/unblock</c> with <c>{"key": …}</c>; answer with the key's info.</summary>
public static class BlockKeyEndpoint
{
    [WolverinePost("/key/block")]
    public static Task<IResult> Block(KeyReference request, Caller caller, IDocumentSession session, KeyDirectory directory, TimeProvider time, CancellationToken ct) =>
        Run(request, caller, session, directory, ct, key => BlockKey.Decide(new BlockKey(key.Id, caller.KeyHash), key, time.GetUtcNow()));

    [WolverinePost("/key/unblock")]
    public static Task<IResult> Unblock(KeyReference request, Caller caller, IDocumentSession session, KeyDirectory directory, TimeProvider time, CancellationToken ct) =>
        Run(request, caller, session, directory, ct, key => UnblockKey.Decide(new UnblockKey(key.Id, caller.KeyHash), key, time.GetUtcNow()));

    static async Task<IResult> Run(KeyReference request, Caller caller, IDocumentSession session, KeyDirectory directory,
        CancellationToken ct, Func<VirtualKey, Gateway.Domain.Decision> decide)
    {
        if (!caller.IsAdmin)
            return AdminErrors.AdminOnly().AsResult();
        if (string.IsNullOrWhiteSpace(request.Key))
            return ApiError.MissingField("key", "the key (sk-…) or its hash").AsResult();
        var key = await KeyCommands.FindAsync(session, request.Key, ct);
        if (key is null)
            return KeyCommands.NotFound(request.Key).AsResult();

        var decision = decide(key);
        if (decision.Rejection is { } rejection)
            return AdminErrors.From(rejection).AsResult();
        return Results.Json(KeyView.Info(await KeyCommands.CommitAsync(session, directory, key, decision, ct)));
    }
}
