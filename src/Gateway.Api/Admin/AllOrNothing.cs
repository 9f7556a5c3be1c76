using Gateway.Api.Errors;
using Gateway.Domain;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Admin;

/// <summary>
/// A command applied to several aggregates named by LiteLLM ids (<c>team_ids</c>, <c>user_ids</c>): every one is
/// decided before anything is appended, so a mistyped id refuses the whole request instead of half-applying it.
/// (Wolverine commits the endpoint's session even when it answers with an error, so appending early would stick.)
/// </summary>
public static class AllOrNothing
{
    public static async Task<IResult> ApplyAsync<TAggregate>(
        IDocumentSession session,
        List<string>? ids,
        string field,
        Func<string, Guid> streamOf,
        Func<string, TAggregate?, Decision> decide,
        string resultName,
        CancellationToken ct) where TAggregate : class
    {
        if (ids is not { Count: > 0 })
            return ApiError.MissingField(field, "a list of ids").AsResult();

        var decisions = new List<(string Id, Decision Decision)>();
        foreach (var id in ids.Distinct())
        {
            var decision = decide(id, await session.LoadAsync<TAggregate>(streamOf(id), ct));
            if (decision.Rejection is { } rejection)
                return AdminErrors.From(rejection with { Field = field }).AsResult();
            decisions.Add((id, decision));
        }
        foreach (var (id, decision) in decisions)
            session.Events.Append(streamOf(id), decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        return Results.Json(new Dictionary<string, object> { [resultName] = decisions.Select(d => d.Id).ToList() });
    }
}
