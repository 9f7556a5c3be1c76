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
    /// <returns>No events when the command changes nothing (fields sent with their current value included).</returns>
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
        var updated = new UserUpdated(
            user.UserId,
            now,
            by,
            command.UserEmail.IfDifferent(user.Email),
            command.UserAlias.IfDifferent(user.Alias),
            command.UserRole.IfDifferent(user.Role),
            command.MaxBudget.IfDifferent(user.MaxBudget),
            command.BudgetDuration.IfDifferent(user.BudgetDuration),
            // Lists and maps cannot be null in the state, so clearing them empties them.
            (command.Models is { Value: null } ? Change.To<IReadOnlyList<string>>([]) : command.Models).IfDifferent(user.Models, Keys.KeyRules.SameList),
            command.TpmLimit.IfDifferent(user.TpmLimit),
            command.RpmLimit.IfDifferent(user.RpmLimit),
            (command.Metadata is { Value: null }
                ? Change.To<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>())
                : command.Metadata).IfDifferent(user.Metadata, Keys.KeyRules.SameMetadata));
        return updated == new UserUpdated(user.UserId, now, by) ? Decision.Accept() : Decision.Accept(updated);
    }
}
