using System.Text.Json;

namespace Gateway.Domain.Teams;

/// <summary>
/// POST /team/update. A null property is "not sent"; a <see cref="Change{T}"/> holding null clears the field.
/// Blocking and membership go through their own commands.
/// </summary>
public sealed record UpdateTeam(
    string TeamId,
    Change<string?>? TeamAlias = null,
    Change<IReadOnlyList<string>>? Models = null,
    Change<decimal?>? MaxBudget = null,
    Change<decimal?>? SoftBudget = null,
    Change<string?>? BudgetDuration = null,
    Change<long?>? TpmLimit = null,
    Change<long?>? RpmLimit = null,
    Change<long?>? MaxParallelRequests = null,
    Change<IReadOnlyDictionary<string, JsonElement>>? Metadata = null)
{
    /// <param name="aliasTaken">Whether another live team already uses the new alias (false when it is unchanged).</param>
    /// <returns>No events when the command changes nothing (fields sent with their current value included).</returns>
    public static Decision Decide(UpdateTeam command, Team? team, bool aliasTaken, string by, DateTimeOffset now)
    {
        if (team is null || team.Deleted)
            return TeamNotFound.For(command.TeamId);

        // soft <= max is checked against the result, so lowering max below an existing soft budget is refused too.
        var refusal = FieldRules.First(
            FieldRules.Alias(command.TeamAlias.Or(null), "team_alias"),
            FieldRules.Models(command.Models?.Value),
            FieldRules.NotNegative(command.MaxBudget.Or(null), "max_budget"),
            FieldRules.NotNegative(command.SoftBudget.Or(null), "soft_budget"),
            FieldRules.SoftNotAboveMax(command.SoftBudget.Or(team.SoftBudget), command.MaxBudget.Or(team.MaxBudget)),
            FieldRules.BudgetDuration(command.BudgetDuration.Or(null)),
            FieldRules.NotNegative(command.TpmLimit.Or(null), "tpm_limit"),
            FieldRules.NotNegative(command.RpmLimit.Or(null), "rpm_limit"),
            FieldRules.NotNegative(command.MaxParallelRequests.Or(null), "max_parallel_requests"));
        if (refusal is not null)
            return refusal;
        if (aliasTaken && command.TeamAlias?.Value is { } alias && alias != team.Alias)
            return Decision.Reject(RejectionKind.Conflict, $"A team with alias {alias} already exists.", "team_alias");
        var updated = new TeamUpdated(
            team.TeamId,
            now,
            by,
            command.TeamAlias.IfDifferent(team.Alias),
            // Lists and maps cannot be null in the state, so clearing them empties them.
            (command.Models is { Value: null } ? Change.To<IReadOnlyList<string>>([]) : command.Models).IfDifferent(team.Models, Keys.KeyRules.SameList),
            command.MaxBudget.IfDifferent(team.MaxBudget),
            command.SoftBudget.IfDifferent(team.SoftBudget),
            command.BudgetDuration.IfDifferent(team.BudgetDuration),
            command.TpmLimit.IfDifferent(team.TpmLimit),
            command.RpmLimit.IfDifferent(team.RpmLimit),
            command.MaxParallelRequests.IfDifferent(team.MaxParallelRequests),
            (command.Metadata is { Value: null }
                ? Change.To<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>())
                : command.Metadata).IfDifferent(team.Metadata, Keys.KeyRules.SameMetadata));
        return updated == new TeamUpdated(team.TeamId, now, by) ? Decision.Accept() : Decision.Accept(updated);
    }
}
