using Gateway.Api.Errors;
using Gateway.Domain;
using Gateway.Domain.Models;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Admin.Models;

/// <summary>Loading and committing a stored deployment for the <c>/model/*</c> routes.</summary>
internal static class ModelCommands
{
    public static Task<StoredDeployment?> LoadAsync(IQuerySession session, string deploymentId, CancellationToken ct) =>
        session.LoadAsync<StoredDeployment>(StreamIds.Deployment(deploymentId), ct);

    /// <summary>
    /// Appends an accepted decision (nothing on a refusal) and reads the deployment back. The commit's listener has
    /// rebuilt the router's table by then, so the next call on this node already sees the change.
    /// </summary>
    public static async Task<(StoredDeployment? Stored, IResult? Refusal)> CommitAsync(
        IDocumentSession session, string deploymentId, Decision decision, bool start, CancellationToken ct)
    {
        if (decision.Rejection is { } rejection)
            return (null, AdminErrors.From(rejection).AsResult());
        var stream = StreamIds.Deployment(deploymentId);
        if (decision.Events.Count > 0)
        {
            if (start)
                session.Events.StartStream<StoredDeployment>(stream, [.. decision.Events]);
            else
                session.Events.Append(stream, [.. decision.Events]);
            await session.SaveChangesAsync(ct);
        }
        return (await session.LoadAsync<StoredDeployment>(stream, ct), null);
    }
}
