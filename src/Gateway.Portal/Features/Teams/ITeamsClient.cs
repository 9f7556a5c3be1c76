using Gateway.Portal.Features.Access;

namespace Gateway.Portal.Features.Teams;

/// <summary>The teams the signed-in user may see: all for admins, their own for team leads.</summary>
public interface ITeamsClient
{
    Task<IReadOnlyList<TeamRow>> ListAsync(SignedInUser who, CancellationToken ct);
}

/// <param name="Spend">Spend in the current budget window (all time when the budget never resets); exact.</param>
public sealed record TeamRow(
    string TeamId,
    string? Alias,
    IReadOnlyList<string> Members,
    IReadOnlyList<string> Models,
    decimal? MaxBudget,
    string? BudgetDuration,
    decimal Spend,
    bool Blocked);
