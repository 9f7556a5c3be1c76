namespace Gateway.Domain.Spend;

/// <summary>What one model group has cost in all; its <see cref="SpendTotals.ModelSpend"/> is per upstream model.</summary>
public sealed class ModelSpend : SpendTotals;

/// <summary>
/// Rolls every routed call up by model group: one rule of <see cref="SpendProjection"/>. A call refused before routing
/// names whatever model the client typed, so it is left out: clients must not be able to create rows at will.
/// </summary>
public sealed class ModelSpendProjection
{
    public static string GroupOf(RequestCompleted e) => e.ModelGroup;

    /// <summary>The group a failed call counts in: none when it failed before a deployment was chosen.</summary>
    public static string? GroupOf(RequestFailed e) => e.DeploymentId is null ? null : SpendTotals.Owner(e.ModelGroup);

    public void Apply(RequestCompleted e, ModelSpend view) => view.Add(e.Model, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);

    // The failure event does not carry the upstream model; its (rare) partial cost counts under the group only.
    public void Apply(RequestFailed e, ModelSpend view) => view.Add(null, e.Cost, e.PromptTokens, e.CompletionTokens, e.At);
}
