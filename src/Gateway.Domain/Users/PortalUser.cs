using Gateway.Domain.Budgets;
using System.Text.Json;
using Gateway.Domain.Teams;

namespace Gateway.Domain.Users;

/// <summary>
/// A person who uses the admin API or the portal (LiteLLM's "internal user", whatever their role). Not called
/// InternalUser because internal_user is also one of the roles such a user can have. Immutable and folded by
/// Marten's self-aggregating conventions; deletion marks the user rather than dropping the stream.
/// </summary>
/// <param name="Id">The stream id, <see cref="StreamIds.User"/> of <paramref name="UserId"/>.</param>
/// <param name="UserId">LiteLLM's user_id, the id the API, the events and the read models use.</param>
public sealed partial record PortalUser(
    Guid Id,
    string UserId,
    string? Email,
    string? Alias,
    string Role,
    IReadOnlyList<string> Teams,
    decimal? MaxBudget,
    string? BudgetDuration,
    IReadOnlyList<string> Models,
    long? TpmLimit,
    long? RpmLimit,
    IReadOnlyDictionary<string, JsonElement> Metadata,
    bool Deleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Where the budget windows are counted from: creation, or the last change of <see cref="BudgetDuration"/>.</summary>
    public DateTimeOffset BudgetWindowAnchor { get; init; }

    /// <summary>The budget window containing <paramref name="now"/>, or null when the budget never resets.</summary>
    public BudgetWindow? CurrentBudgetWindow(DateTimeOffset now) => BudgetWindow.Of(BudgetDuration, BudgetWindowAnchor, now);

    public bool IsAdmin => Role == UserRoles.ProxyAdmin;

    /// <summary>ASP.NET Core's salted hash of the portal password; null until the user accepts an invitation.</summary>
    public string? PasswordHash { get; init; }

    /// <summary>SHA-256 of the one open invitation's token, if any.</summary>
    public string? InvitationTokenHash { get; init; }

    public DateTimeOffset? InvitationExpiresAt { get; init; }

    public static PortalUser Create(UserCreated e) => new(
        StreamIds.User(e.UserId), e.UserId, e.UserEmail, e.UserAlias, e.UserRole, e.Teams, e.MaxBudget,
        e.BudgetDuration, e.Models, e.TpmLimit, e.RpmLimit, e.Metadata, Deleted: false, CreatedAt: e.At,
        UpdatedAt: e.At)
    {
        BudgetWindowAnchor = e.At,
    };

    public PortalUser Apply(UserUpdated e) => this with
    {
        Email = e.UserEmail.Or(Email),
        Alias = e.UserAlias.Or(Alias),
        Role = e.UserRole.Or(Role),
        MaxBudget = e.MaxBudget.Or(MaxBudget),
        BudgetDuration = e.BudgetDuration.Or(BudgetDuration),
        BudgetWindowAnchor = e.BudgetDuration is null ? BudgetWindowAnchor : e.At,
        Models = e.Models.Or(Models),
        TpmLimit = e.TpmLimit.Or(TpmLimit),
        RpmLimit = e.RpmLimit.Or(RpmLimit),
        Metadata = e.Metadata.Or(Metadata),
        UpdatedAt = e.At,
    };

    public PortalUser Apply(UserDeleted e) => this with { Deleted = true, UpdatedAt = e.At };

    public PortalUser Apply(PortalInvitationIssued e) => this with
    {
        InvitationTokenHash = e.TokenHash,
        InvitationExpiresAt = e.ExpiresAt,
        UpdatedAt = e.At,
    };

    public PortalUser Apply(PortalPasswordSet e) => this with
    {
        PasswordHash = e.PasswordHash,
        InvitationTokenHash = null,
        InvitationExpiresAt = null,
        UpdatedAt = e.At,
    };
}
