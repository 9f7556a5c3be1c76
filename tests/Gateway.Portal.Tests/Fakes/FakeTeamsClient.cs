using System.Text.Json;
using Gateway.Domain;
using Gateway.Domain.Teams;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Teams;

namespace Gateway.Portal.Tests.Fakes;

/// <summary>Teams kept in a list; records what the pages asked for and which actions ran, and answers as told.</summary>
public sealed class FakeTeamsClient : ITeamsClient
{
    public static readonly DateTimeOffset Created = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    public List<TeamRow> Rows { get; } = [];
    public List<TeamListQuery> Queries { get; } = [];
    public List<(string Action, string TeamId, object? With)> Actions { get; } = [];
    public Exception? ListFails { get; set; }

    /// <summary>What DetailsAsync answers; a task not yet finished keeps the page loading.</summary>
    public Task<PortalResult<TeamDetails>>? Details { get; set; }

    /// <summary>When set, every change is refused with it.</summary>
    public Rejection? Refusal { get; set; }

    public static Team Team(string teamId, decimal? maxBudget = null, string? budgetDuration = null, bool blocked = false, params TeamMember[] members) =>
        Gateway.Domain.Teams.Team.Create(new TeamCreated(teamId, null, [], maxBudget, null, budgetDuration, null, null, null,
            new Dictionary<string, JsonElement>(), blocked, members, Created, "admin"));

    public Task<TeamPage> ListAsync(SignedInUser who, TeamListQuery query, CancellationToken ct)
    {
        Queries.Add(query);
        if (ListFails is not null)
            throw ListFails;
        var rows = Rows.Where(r => who.MayManageTeam(r.TeamId))
            .Where(r => query.Search is null || r.TeamId.Contains(query.Search, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return Task.FromResult(new TeamPage(rows.Skip(query.Page * query.PageSize).Take(query.PageSize).ToList(), rows.Count));
    }

    public Task<PortalResult<TeamDetails>> DetailsAsync(SignedInUser who, string teamId, CancellationToken ct) =>
        Details ?? Task.FromResult(PortalResult<TeamDetails>.Refused(RejectionKind.NotFound, $"There is no team {teamId}."));

    public Task<PortalResult<Team>> CreateAsync(SignedInUser who, TeamSettings settings, CancellationToken ct) =>
        Act("create", settings.TeamId ?? "generated", settings);

    public Task<PortalResult<Team>> UpdateAsync(SignedInUser who, string teamId, TeamSettings settings, CancellationToken ct) => Act("update", teamId, settings);

    public Task<PortalResult<Team>> BlockAsync(SignedInUser who, string teamId, CancellationToken ct) => Act("block", teamId, null);

    public Task<PortalResult<Team>> UnblockAsync(SignedInUser who, string teamId, CancellationToken ct) => Act("unblock", teamId, null);

    public Task<PortalResult<Team>> DeleteAsync(SignedInUser who, string teamId, CancellationToken ct) => Act("delete", teamId, null);

    public Task<PortalResult<Team>> AddMemberAsync(SignedInUser who, string teamId, MemberSettings member, CancellationToken ct) =>
        Act("add-member", teamId, member, new TeamMember(member.UserId, member.Role, member.MaxBudgetInTeam));

    public Task<PortalResult<Team>> UpdateMemberAsync(SignedInUser who, string teamId, MemberSettings member, CancellationToken ct) =>
        Act("update-member", teamId, member, new TeamMember(member.UserId, member.Role, member.MaxBudgetInTeam));

    public Task<PortalResult<Team>> RemoveMemberAsync(SignedInUser who, string teamId, string userId, CancellationToken ct) => Act("remove-member", teamId, userId);

    Task<PortalResult<Team>> Act(string action, string teamId, object? with, TeamMember? member = null)
    {
        Actions.Add((action, teamId, with));
        if (Refusal is not null)
            return Task.FromResult(PortalResult<Team>.Refused(Refusal));
        return Task.FromResult(PortalResult<Team>.Ok(member is null ? Team(teamId) : Team(teamId, members: member)));
    }
}
