using System.Text.Json;
using Gateway.Domain.Teams;

namespace Gateway.Domain.Users;

/// <summary>
/// POST /user/new. <see cref="UserId"/> is LiteLLM's optional user_id: when absent the caller generates one.
/// A missing role becomes <see cref="UserRoles.Default"/>.
/// </summary>
public sealed record CreateUser(
    string UserId,
    string? UserEmail = null,
    string? UserAlias = null,
    string? UserRole = null,
    IReadOnlyList<string>? Teams = null,
    decimal? MaxBudget = null,
    string? BudgetDuration = null,
    IReadOnlyList<string>? Models = null,
    long? TpmLimit = null,
    long? RpmLimit = null,
    IReadOnlyDictionary<string, JsonElement>? Metadata = null)
{
    /// <param name="existing">The user already on this id's stream, deleted or not; ids are never reused.</param>
    public static Decision Decide(CreateUser command, PortalUser? existing, string by, DateTimeOffset now)
    {
        var role = command.UserRole ?? UserRoles.Default;
        var refusal = FieldRules.First(
            FieldRules.Id(command.UserId, "user_id"),
            EmailShape.Check(command.UserEmail),
            FieldRules.Alias(command.UserAlias, "user_alias"),
            UserRoles.IsKnown(role) ? null : UnknownRole(),
            TeamIds(command.Teams),
            FieldRules.NotNegative(command.MaxBudget, "max_budget"),
            FieldRules.BudgetDuration(command.BudgetDuration),
            FieldRules.Models(command.Models),
            FieldRules.NotNegative(command.TpmLimit, "tpm_limit"),
            FieldRules.NotNegative(command.RpmLimit, "rpm_limit"));
        if (refusal is not null)
            return refusal;
        if (existing is not null)
            return Decision.Reject(RejectionKind.Conflict, $"User {command.UserId} already exists.", "user_id");

        return Decision.Accept(new UserCreated(
            command.UserId,
            command.UserEmail,
            command.UserAlias,
            role,
            command.Teams ?? [],
            command.MaxBudget,
            command.BudgetDuration,
            command.Models ?? [],
            command.TpmLimit,
            command.RpmLimit,
            command.Metadata ?? new Dictionary<string, JsonElement>(),
            now,
            by));
    }

    internal static Decision UnknownRole() => Decision.Invalid(
        "user_role",
        $"user_role must be one of {UserRoles.ProxyAdmin}, {UserRoles.ProxyAdminViewer}, "
        + $"{UserRoles.InternalUser}, {UserRoles.InternalUserViewer}.");

    static Decision? TeamIds(IReadOnlyList<string>? teams)
    {
        for (var i = 0; i < (teams?.Count ?? 0); i++)
        {
            if (FieldRules.Id(teams![i], $"teams[{i}]") is { } refusal)
                return refusal;
        }
        return null;
    }
}
