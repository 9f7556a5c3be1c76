using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain.Spend;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Keys;

/// <summary>
/// LiteLLM's <c>GET /key/info?key=…</c>: the key's settings and spend. An admin may read any key; a key may read
/// itself (with no <c>key</c> parameter, or naming itself), never another.
/// </summary>
public static class KeyInfoEndpoint
{
    [WolverineGet("/key/info")]
    public static async Task<IResult> Get(string? key, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var named = key ?? (caller.MayReadAdmin ? null : caller.KeyHash);
        if (named is null)
            return ApiError.MissingField("key", "the key (sk-…) or its hash").AsResult();
        if (!caller.MayReadAdmin && KeyCommands.HashOf(named) != caller.KeyHash)
            return new ApiError(403, "permission_error", "A key may only read its own /key/info.", "key", "403").AsResult();

        var found = await KeyCommands.FindAsync(session, named, ct);
        if (found is null)
            return KeyCommands.NotFound(named).AsResult();

        var spend = await session.LoadAsync<KeySpend>(found.KeyHash, ct);
        var info = KeyView.Info(found);
        info["spend"] = spend?.Spend ?? 0m;
        info["model_spend"] = spend?.ModelSpend ?? new Dictionary<string, decimal>();
        return Results.Json(new { key = named, info });
    }
}
