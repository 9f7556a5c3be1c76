using Gateway.Domain.Budgets;
using System.Text.Json;

namespace Gateway.Domain.Teams;

/// <summary>
/// A team as its events leave it. Immutable: Marten's self-aggregating conventions call <see cref="Create"/> for
/// the first event and each <c>Apply</c> returns the next state. A deleted team keeps its stream (and so its id)
/// and is marked <see cref="Deleted"/> rather than removed, so decisions can answer "not found" and ids are never
/// reused for a different team's audit trail.
/// </summary>
/// <param name="Id">The stream id, <see cref="StreamIds.Team"/> of <paramref name="TeamId"/>.</param>
/// <param name="TeamId">LiteLLM's team_id, the id the API, the events and the read models use.</param>
public sealed partial record Team(
    Guid Id,
    string TeamId,
    string? Alias,
    IReadOnlyList<string> Models,
    decimal? MaxBudget,
    decimal? SoftBudget,
    string? BudgetDuration,
    long? TpmLimit,
    long? RpmLimit,
    long? MaxParallelRequests,
    IReadOnlyDictionary<string, JsonElement> Metadata,
    bool Blocked,
    IReadOnlyList<TeamMember> Members,
    bool Deleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Where the budget windows are counted from: creation, or the last change of <see cref="BudgetDuration"/>.</summary>
    public DateTimeOffset BudgetWindowAnchor { get; init; }

    /// <summary>The budget window containing <paramref name="now"/>, or null when the budget never resets.</summary>
    public BudgetWindow? CurrentBudgetWindow(DateTimeOffset now) => BudgetWindow.Of(BudgetDuration, BudgetWindowAnchor, now);

    public TeamMember? Member(string userId) => Members.FirstOrDefault(m => m.UserId == userId);

    public static Team Create(TeamCreated e) => new(
        StreamIds.Team(e.TeamId), e.TeamId, e.TeamAlias, e.Models, e.MaxBudget, e.SoftBudget, e.BudgetDuration,
        e.TpmLimit, e.RpmLimit, e.MaxParallelRequests, e.Metadata, e.Blocked, e.Members, Deleted: false,
        CreatedAt: e.At, UpdatedAt: e.At)
    {
        BudgetWindowAnchor = e.At,
    };

    public Team Apply(TeamUpdated e) => this with
    {
        Alias = e.TeamAlias.Or(Alias),
        Models = e.Models.Or(Models),
        MaxBudget = e.MaxBudget.Or(MaxBudget),
        SoftBudget = e.SoftBudget.Or(SoftBudget),
        BudgetDuration = e.BudgetDuration.Or(BudgetDuration),
        BudgetWindowAnchor = e.BudgetDuration is null ? BudgetWindowAnchor : e.At,
        TpmLimit = e.TpmLimit.Or(TpmLimit),
        RpmLimit = e.RpmLimit.Or(RpmLimit),
        MaxParallelRequests = e.MaxParallelRequests.Or(MaxParallelRequests),
        Metadata = e.Metadata.Or(Metadata),
        UpdatedAt = e.At,
    };

    public Team Apply(TeamMemberAdded e) => this with
    {
        Members = [.. Members.Where(m => m.UserId != e.UserId), new TeamMember(e.UserId, e.Role, e.MaxBudgetInTeam)],
        UpdatedAt = e.At,
    };

    public Team Apply(TeamMemberUpdated e) => this with
    {
        Members = [.. Members.Select(m => m.UserId == e.UserId
            ? m with { Role = e.Role.Or(m.Role), MaxBudgetInTeam = e.MaxBudgetInTeam.Or(m.MaxBudgetInTeam) }
            : m)],
        UpdatedAt = e.At,
    };

    public Team Apply(TeamMemberRemoved e) => this with
    {
        Members = [.. Members.Where(m => m.UserId != e.UserId)],
        UpdatedAt = e.At,
    };

    public Team Apply(TeamBlocked e) => this with { Blocked = true, UpdatedAt = e.At };

    public Team Apply(TeamUnblocked e) => this with { Blocked = false, UpdatedAt = e.At };

    public Team Apply(TeamDeleted e) => this with { Deleted = true, UpdatedAt = e.At };
}
