using System.Text.Json;
using Gateway.Domain.Teams;

namespace Gateway.Domain.Users;

/// <summary>
/// POST /user/update. A null property is "not sent"; a <see cref="Change{T}"/> holding null clears the field.
/// The role cannot be cleared, only changed.
/// </summary>
public sealed record UpdateUser(
    string UserId,
    Change<string?>? UserEmail = null,
    Change<string?>? UserAlias = null,
    Change<string>? UserRole = null,
    Change<decimal?>? MaxBudget = null,
    Change<string?>? BudgetDuration = null,
    Change<IReadOnlyList<string>>? Models = null,
    Change<long?>? TpmLimit = null,
    Change<long?>? RpmLimit = null,
    Change<IReadOnlyDictionary<string, JsonElement>>? Metadata = null)
{
    bool ChangesNothing =>
        UserEmail is null && UserAlias is null && UserRole is null && MaxBudget is null && BudgetDuration is null
        && Models is null && TpmLimit is null && RpmLimit is null && Metadata is null;

    /// <returns>No events when the command changes nothing.</returns>
    public static Decision Decide(UpdateUser command, PortalUser? user, string by, DateTimeOffset now)
    {
        if (user is null || user.Deleted)
            return UserNotFound.For(command.UserId);

        var refusal = FieldRules.First(
            EmailShape.Check(command.UserEmail.Or(null)),
            FieldRules.Alias(command.UserAlias.Or(null), "user_alias"),
            command.UserRole is null || UserRoles.IsKnown(command.UserRole.Value) ? null : CreateUser.UnknownRole(),
            FieldRules.NotNegative(command.MaxBudget.Or(null), "max_budget"),
            FieldRules.BudgetDuration(command.BudgetDuration.Or(null)),
            FieldRules.Models(command.Models?.Value),
            FieldRules.NotNegative(command.TpmLimit.Or(null), "tpm_limit"),
            FieldRules.NotNegative(command.RpmLimit.Or(null), "rpm_limit"));
        if (refusal is not null)
            return refusal;
        if (command.ChangesNothing)
            return Decision.Accept();

        return Decision.Accept(new UserUpdated(
            user.UserId,
            now,
            by,
            command.UserEmail,
            command.UserAlias,
            command.UserRole,
            command.MaxBudget,
            command.BudgetDuration,
            // Lists and maps cannot be null in the state, so clearing them empties them.
            command.Models is { Value: null } ? Change.To<IReadOnlyList<string>>([]) : command.Models,
            command.TpmLimit,
            command.RpmLimit,
            command.Metadata is { Value: null }
                ? Change.To<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>())
                : command.Metadata));
    }
}
