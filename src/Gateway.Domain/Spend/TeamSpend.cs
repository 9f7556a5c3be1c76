using Marten.Events.Projections;

namespace Gateway.Domain.Spend;

/// <summary>What one team (team_id) has spent in all, and per model group.</summary>
public sealed class TeamSpend : SpendTotals;

/// <summary>Rolls every recorded call up by its TeamId; calls without one are not counted here. Async (DESIGN.md).</summary>
public sealed partial class TeamSpendProjection : MultiStreamProjection<TeamSpend, string>
{
    public TeamSpendProjection()
    {
        Identities<RequestCompleted>(e => SpendTotals.Of(e.TeamId));
        Identities<RequestFailed>(e => SpendTotals.Of(e.TeamId));
    }

    public void Apply(RequestCompleted e, TeamSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    public void Apply(RequestFailed e, TeamSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);
}
