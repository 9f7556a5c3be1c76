using System.Text.Json;

namespace Gateway.Domain.Teams;

/// <summary>
/// POST /team/new. <see cref="TeamId"/> is LiteLLM's optional team_id: when the request has none, the caller
/// generates one and passes it here, so the decision stays pure.
/// </summary>
public sealed record CreateTeam(
    string TeamId,
    string? TeamAlias = null,
    IReadOnlyList<string>? Models = null,
    decimal? MaxBudget = null,
    decimal? SoftBudget = null,
    string? BudgetDuration = null,
    long? TpmLimit = null,
    long? RpmLimit = null,
    long? MaxParallelRequests = null,
    IReadOnlyDictionary<string, JsonElement>? Metadata = null,
    bool Blocked = false,
    IReadOnlyList<TeamMember>? Members = null)
{
    /// <param name="existing">The team already on this id's stream, deleted or not; ids are never reused.</param>
    /// <param name="aliasTaken">Whether another live team already uses <see cref="TeamAlias"/>.</param>
    /// <param name="by">The acting user, recorded for the audit trail.</param>
    public static Decision Decide(CreateTeam command, Team? existing, bool aliasTaken, string by, DateTimeOffset now)
    {
        var members = command.Members ?? [];
        var refusal = FieldRules.First(
            FieldRules.Id(command.TeamId, "team_id"),
            FieldRules.Alias(command.TeamAlias, "team_alias"),
            FieldRules.Models(command.Models),
            FieldRules.NotNegative(command.MaxBudget, "max_budget"),
            FieldRules.NotNegative(command.SoftBudget, "soft_budget"),
            FieldRules.SoftNotAboveMax(command.SoftBudget, command.MaxBudget),
            FieldRules.BudgetDuration(command.BudgetDuration),
            FieldRules.NotNegative(command.TpmLimit, "tpm_limit"),
            FieldRules.NotNegative(command.RpmLimit, "rpm_limit"),
            FieldRules.NotNegative(command.MaxParallelRequests, "max_parallel_requests"),
            Check(members));
        if (refusal is not null)
            return refusal;

        if (existing is not null)
            return Decision.Reject(RejectionKind.Conflict, $"Team {command.TeamId} already exists.", "team_id");
        if (aliasTaken)
            return Decision.Reject(
                RejectionKind.Conflict, $"A team with alias {command.TeamAlias} already exists.", "team_alias");

        return Decision.Accept(new TeamCreated(
            command.TeamId,
            command.TeamAlias,
            command.Models ?? [],
            command.MaxBudget,
            command.SoftBudget,
            command.BudgetDuration,
            command.TpmLimit,
            command.RpmLimit,
            command.MaxParallelRequests,
            command.Metadata ?? new Dictionary<string, JsonElement>(),
            command.Blocked,
            members,
            now,
            by));
    }

    static Decision? Check(IReadOnlyList<TeamMember> members)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < members.Count; i++)
        {
            var field = $"members_with_roles[{i}]";
            var member = members[i];
            var refusal = FieldRules.First(
                FieldRules.Id(member.UserId, $"{field}.user_id"),
                TeamRoles.IsKnown(member.Role)
                    ? null
                    : Decision.Invalid($"{field}.role", "role must be \"admin\" or \"user\"."),
                FieldRules.NotNegative(member.MaxBudgetInTeam, $"{field}.max_budget_in_team"));
            if (refusal is not null)
                return refusal;
            if (!seen.Add(member.UserId))
                return Decision.Reject(
                    RejectionKind.Conflict, $"User {member.UserId} is listed twice.", $"{field}.user_id");
        }
        return null;
    }
}
