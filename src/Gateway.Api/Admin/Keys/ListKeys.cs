using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Domain.Keys;
using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin.Keys;

/// <summary>
/// LiteLLM's <c>GET /key/list</c>: live keys, newest first, paged (<c>page</c> from 1, <c>size</c> up to 100), filtered
/// by <c>key_alias</c>, <c>team_id</c> or <c>user_id</c>; hashes only unless <c>return_full_object=true</c>.
/// </summary>
public static class ListKeysEndpoint
{
    [WolverineGet("/key/list")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, HttpRequest request, CancellationToken ct)
    {
        if (!caller.MayReadAdmin)
            return AdminErrors.AdminOnly().AsResult();

        var query = request.Query;
        if (!TryPositive(query["page"], 1, out var page))
            return ApiError.InvalidField("page", "expected a whole number from 1").AsResult();
        if (!TryPositive(query["size"], 10, out var size) || size > 100)
            return ApiError.InvalidField("size", "expected a whole number from 1 to 100").AsResult();

        IQueryable<VirtualKey> keys = session.Query<VirtualKey>().Where(k => !k.Revoked);
        if (query["key_alias"].ToString() is { Length: > 0 } alias)
            keys = keys.Where(k => k.KeyAlias == alias);
        if (query["team_id"].ToString() is { Length: > 0 } team)
            keys = keys.Where(k => k.TeamId == team);
        if (query["user_id"].ToString() is { Length: > 0 } user)
            keys = keys.Where(k => k.UserId == user);

        var paged = await keys.OrderByDescending(k => k.IssuedAt).ToPagedListAsync(page, size, ct);
        var full = string.Equals(query["return_full_object"], "true", StringComparison.OrdinalIgnoreCase);
        return Results.Json(new
        {
            keys = full ? paged.Select(k => (object)KeyView.Info(k)).ToList() : paged.Select(k => (object)k.KeyHash).ToList(),
            total_count = paged.TotalItemCount,
            current_page = page,
            total_pages = paged.PageCount,
        });
    }

    static bool TryPositive(string? text, int fallback, out int value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, out value) && value >= 1;
    }
}
