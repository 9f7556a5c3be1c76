using Gateway.Domain.Budgets;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;

namespace Gateway.Portal.Features.Teams;

/// <summary>
/// Teams as the signed-in user may see and change them: every team for admins, the teams they lead for team leads.
/// Reads the team snapshots; changes go through the same team decisions as the admin API (<c>/team/new</c>,
/// <c>/team/update</c>, <c>/team/block</c>, <c>/team/delete</c>, <c>/team/member_add|member_update|member_delete</c>).
/// Every method checks the user's rights itself, whatever the page offered (<see cref="TeamAccess"/>).
/// </summary>
public interface ITeamsClient
{
    Task<TeamPage> ListAsync(SignedInUser who, TeamListQuery query, CancellationToken ct);

    Task<PortalResult<TeamDetails>> DetailsAsync(SignedInUser who, string teamId, CancellationToken ct);

    /// <summary>Admins only. A blank team id gets a generated one, as <c>/team/new</c> does.</summary>
    Task<PortalResult<Team>> CreateAsync(SignedInUser who, TeamSettings settings, CancellationToken ct);

    /// <summary>Admins only: a team's own budget, models and limits are not its lead's to change (as in LiteLLM).</summary>
    Task<PortalResult<Team>> UpdateAsync(SignedInUser who, string teamId, TeamSettings settings, CancellationToken ct);

    Task<PortalResult<Team>> BlockAsync(SignedInUser who, string teamId, CancellationToken ct);

    Task<PortalResult<Team>> UnblockAsync(SignedInUser who, string teamId, CancellationToken ct);

    Task<PortalResult<Team>> DeleteAsync(SignedInUser who, string teamId, CancellationToken ct);

    /// <summary>Admins, and the team's leads for their own teams.</summary>
    Task<PortalResult<Team>> AddMemberAsync(SignedInUser who, string teamId, MemberSettings member, CancellationToken ct);

    /// <summary>Changes a member's role and budget in the team; admins, and the team's leads (not on themselves).</summary>
    Task<PortalResult<Team>> UpdateMemberAsync(SignedInUser who, string teamId, MemberSettings member, CancellationToken ct);

    /// <summary>Admins, and the team's leads (not themselves).</summary>
    Task<PortalResult<Team>> RemoveMemberAsync(SignedInUser who, string teamId, string userId, CancellationToken ct);
}

/// <summary>One page of the teams list. <paramref name="Page"/> counts from 0; <paramref name="SortBy"/> names a <see cref="TeamRow"/> property.</summary>
public sealed record TeamListQuery(int Page, int PageSize, string? Search = null, string? SortBy = null, bool Descending = false);

public sealed record TeamPage(IReadOnlyList<TeamRow> Rows, int Total);

/// <summary>A team as the list shows it. <see cref="Spend"/>: in the current budget window (all time when it never resets), exact.</summary>
public sealed record TeamRow(Team Team, decimal Spend)
{
    public string TeamId => Team.TeamId;
    public string? Alias => Team.Alias;
    public IReadOnlyList<string> Models => Team.Models;
    public decimal? MaxBudget => Team.MaxBudget;
    public string? BudgetDuration => Team.BudgetDuration;
    public bool Blocked => Team.Blocked;
    public DateTimeOffset CreatedAt => Team.CreatedAt;

    /// <summary>"ada (admin)", "bob (user, $10.00)".</summary>
    public IReadOnlyList<string> Members => [.. Team.Members.Select(m =>
        m.MaxBudgetInTeam is { } budget ? $"{m.UserId} ({m.Role}, {Components.Display.Money.Format(budget)})" : $"{m.UserId} ({m.Role})")];
}

/// <summary>One team's page: its settings, what it spent in this budget window, its members and its keys.</summary>
/// <param name="Keys">The team's live keys, most recently issued first (at most <see cref="TeamsClient.KeysShown"/>).</param>
/// <param name="KeyCount">How many live keys the team has in all.</param>
public sealed record TeamDetails(
    Team Team,
    decimal SpendInWindow,
    BudgetWindow? Window,
    IReadOnlyList<TeamMemberRow> Members,
    IReadOnlyList<KeyRow> Keys,
    int KeyCount)
{
    /// <summary>Spend as a share of the budget, 0–100 (capped); null without a budget.</summary>
    public double? Percent => Team.MaxBudget is { } max && max > 0 ? (double)Math.Min(100m, SpendInWindow / max * 100m) : null;
}

/// <summary>A member with what their keys spent through the team in its current budget window (their budget counts the same).</summary>
public sealed record TeamMemberRow(string UserId, string Role, decimal? MaxBudgetInTeam, decimal SpendInWindow)
{
    public bool IsLead => Role == TeamRoles.Admin;
}
