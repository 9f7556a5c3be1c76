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
    public static async Task<IResult> Get(string? key, Caller caller, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        var named = key ?? (caller.MayReadAdmin ? null : caller.KeyHash);
        if (named is null)
            return ApiError.MissingField("key", "the key (sk-…) or its hash").AsResult();
        if (!caller.MayReadAdmin && KeyCommands.HashOf(named) != caller.KeyHash)
            return new ApiError(403, "permission_error", "A key may only read its own /key/info.", "key", "403").AsResult();

        var found = await KeyCommands.FindAsync(session, named, ct);
        if (found is null)
            return KeyCommands.NotFound(named).AsResult();

        // Spend in the current budget window, exact, under every hash the key has had (regenerating keeps its spend);
        // per model, lifetime, from the rollup.
        var window = found.CurrentBudgetWindow(time.GetUtcNow());
        var info = await KeyView.Info(found).WithSpendAsync(session,
            new SpendFilter(found.KeyHash, null, null, null, null, DateTimeOffset.UnixEpoch, EarlierKeyHashes: found.RetiredKeyHashes), window, ct);
        var modelSpend = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var rollup in await session.LoadManyAsync<KeySpend>(ct, [found.KeyHash, .. found.RetiredKeyHashes]))
            foreach (var (model, amount) in rollup.ModelSpend)
                modelSpend[model] = modelSpend.GetValueOrDefault(model) + amount;
        info["model_spend"] = modelSpend;
        // LiteLLM echoes the key it was asked about; a secret is never in a response here, so this is its token (hash).
        return Results.Json(new { key = found.KeyHash, info });
    }
}
