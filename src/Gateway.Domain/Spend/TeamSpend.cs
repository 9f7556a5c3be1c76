namespace Gateway.Domain.Spend;

/// <summary>What one team (team_id) has spent in all, and per model group.</summary>
public sealed class TeamSpend : SpendTotals;

/// <summary>Rolls every recorded call up by its TeamId; calls without one are not counted here. One rule of <see cref="SpendProjection"/>.</summary>
public sealed class TeamSpendProjection
{
    public static string? IdOf(RequestCompleted e) => SpendTotals.Owner(e.TeamId);

    public static string? IdOf(RequestFailed e) => SpendTotals.Owner(e.TeamId);

    public void Apply(RequestCompleted e, TeamSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    public void Apply(RequestFailed e, TeamSpend view) => view.Add(e.ModelGroup, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);
}
