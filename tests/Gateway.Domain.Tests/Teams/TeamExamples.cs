using System.Text.Json;
using Gateway.Domain.Teams;

namespace Gateway.Domain.Tests.Teams;

/// <summary>Given-state for team tests: teams built the way Marten builds them, by folding their events.</summary>
internal static class TeamExamples
{
    public static readonly DateTimeOffset Created = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    public const string Admin = "admin-user";

    public static TeamCreated Creation(string teamId = "team-1") => new(
        teamId,
        "Search",
        ["gpt-4o"],
        MaxBudget: 100m,
        SoftBudget: 80m,
        BudgetDuration: "30d",
        TpmLimit: 10_000,
        RpmLimit: 100,
        MaxParallelRequests: 5,
        Metadata: new Dictionary<string, JsonElement> { ["cost_center"] = JsonSerializer.SerializeToElement("cc-7") },
        Blocked: false,
        Members: [new TeamMember("alice", TeamRoles.Admin)],
        At: Created,
        By: Admin);

    public static Team ATeam(string teamId = "team-1") => Team.Create(Creation(teamId));
}
