using System.Text.Json;
using Gateway.Domain.Teams;
using static Gateway.Domain.Tests.Teams.TeamExamples;

namespace Gateway.Domain.Tests.Teams;

public class CreateTeamTests
{
    static Decision Decide(CreateTeam command, Team? existing = null, bool aliasTaken = false) =>
        CreateTeam.Decide(command, existing, aliasTaken, Admin, Now);

    [Fact]
    public void a_new_team_is_created_with_everything_it_was_given()
    {
        var metadata = new Dictionary<string, JsonElement> { ["owner"] = JsonSerializer.SerializeToElement("ml") };
        var command = new CreateTeam(
            "team-9",
            TeamAlias: "Ranking",
            Models: ["gpt-4o", "claude-sonnet"],
            MaxBudget: 50m,
            SoftBudget: 40m,
            BudgetDuration: "1mo",
            TpmLimit: 1_000,
            RpmLimit: 10,
            MaxParallelRequests: 2,
            Metadata: metadata,
            Blocked: true,
            Members: [new TeamMember("alice", "admin"), new TeamMember("bob", "user")]);

        var created = DecisionAssert.SingleEvent<TeamCreated>(Decide(command));

        Assert.Equal("team-9", created.TeamId);
        Assert.Equal("Ranking", created.TeamAlias);
        Assert.Equal(["gpt-4o", "claude-sonnet"], created.Models);
        Assert.Equal(50m, created.MaxBudget);
        Assert.Equal(40m, created.SoftBudget);
        Assert.Equal("1mo", created.BudgetDuration);
        Assert.Equal(1_000, created.TpmLimit);
        Assert.Equal(10, created.RpmLimit);
        Assert.Equal(2, created.MaxParallelRequests);
        Assert.Same(metadata, created.Metadata);
        Assert.True(created.Blocked);
        Assert.Equal([new TeamMember("alice", "admin"), new TeamMember("bob", "user")], created.Members);
        Assert.Equal(Now, created.At);
        Assert.Equal(Admin, created.By);
    }

    [Fact]
    public void a_team_sent_with_only_an_id_gets_empty_lists_and_no_limits()
    {
        var created = DecisionAssert.SingleEvent<TeamCreated>(Decide(new CreateTeam("team-9")));

        Assert.Null(created.TeamAlias);
        Assert.Empty(created.Models);
        Assert.Empty(created.Members);
        Assert.Empty(created.Metadata);
        Assert.Null(created.MaxBudget);
        Assert.False(created.Blocked);
    }

    [Fact]
    public void an_id_already_used_by_a_team_is_a_conflict_even_after_that_team_was_deleted()
    {
        var deleted = ATeam("team-9").Apply(new TeamDeleted("team-9", Now, Admin));

        DecisionAssert.Refused(Decide(new CreateTeam("team-9"), ATeam("team-9")), RejectionKind.Conflict, "team_id");
        DecisionAssert.Refused(Decide(new CreateTeam("team-9"), deleted), RejectionKind.Conflict, "team_id");
    }

    [Fact]
    public void an_alias_another_team_uses_is_a_conflict()
    {
        DecisionAssert.Refused(
            Decide(new CreateTeam("team-9", TeamAlias: "Search"), aliasTaken: true),
            RejectionKind.Conflict,
            "team_alias");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" padded")]
    [InlineData("line\nbreak")]
    public void a_blank_or_unprintable_team_id_is_invalid(string teamId)
    {
        DecisionAssert.Refused(Decide(new CreateTeam(teamId)), RejectionKind.Invalid, "team_id");
    }

    [Fact]
    public void a_team_id_longer_than_256_characters_is_invalid()
    {
        DecisionAssert.Refused(Decide(new CreateTeam(new string('t', 257))), RejectionKind.Invalid, "team_id");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("tab\there")]
    public void a_blank_or_unprintable_alias_is_invalid(string alias)
    {
        DecisionAssert.Refused(Decide(new CreateTeam("team-9", TeamAlias: alias)), RejectionKind.Invalid, "team_alias");
    }

    [Fact]
    public void an_alias_longer_than_256_characters_is_invalid()
    {
        DecisionAssert.Refused(
            Decide(new CreateTeam("team-9", TeamAlias: new string('a', 257))), RejectionKind.Invalid, "team_alias");
    }

    public static TheoryData<CreateTeam, string> NegativeNumbers => new()
    {
        { new CreateTeam("t", MaxBudget: -1m), "max_budget" },
        { new CreateTeam("t", SoftBudget: -0.01m), "soft_budget" },
        { new CreateTeam("t", TpmLimit: -1), "tpm_limit" },
        { new CreateTeam("t", RpmLimit: -1), "rpm_limit" },
        { new CreateTeam("t", MaxParallelRequests: -1), "max_parallel_requests" },
    };

    [Theory]
    [MemberData(nameof(NegativeNumbers))]
    public void negative_budgets_and_limits_are_invalid(CreateTeam command, string field)
    {
        DecisionAssert.Refused(Decide(command), RejectionKind.Invalid, field);
    }

    [Fact]
    public void zero_budgets_and_limits_are_allowed()
    {
        var command = new CreateTeam("t", MaxBudget: 0m, SoftBudget: 0m, TpmLimit: 0, RpmLimit: 0, MaxParallelRequests: 0);

        DecisionAssert.SingleEvent<TeamCreated>(Decide(command));
    }

    [Fact]
    public void a_soft_budget_above_the_max_budget_is_invalid()
    {
        DecisionAssert.Refused(
            Decide(new CreateTeam("t", MaxBudget: 10m, SoftBudget: 10.01m)), RejectionKind.Invalid, "soft_budget");
    }

    [Fact]
    public void a_soft_budget_equal_to_the_max_budget_is_allowed()
    {
        DecisionAssert.SingleEvent<TeamCreated>(Decide(new CreateTeam("t", MaxBudget: 10m, SoftBudget: 10m)));
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("30m")]
    [InlineData("1h")]
    [InlineData("7d")]
    [InlineData("1w")]
    [InlineData("1mo")]
    public void litellm_budget_durations_are_accepted(string duration)
    {
        var created = DecisionAssert.SingleEvent<TeamCreated>(Decide(new CreateTeam("t", BudgetDuration: duration)));

        Assert.Equal(duration, created.BudgetDuration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("d")]
    [InlineData("30 d")]
    [InlineData("1y")]
    [InlineData("-1d")]
    public void malformed_budget_durations_are_invalid(string duration)
    {
        DecisionAssert.Refused(
            Decide(new CreateTeam("t", BudgetDuration: duration)), RejectionKind.Invalid, "budget_duration");
    }

    [Fact]
    public void an_empty_model_name_is_invalid()
    {
        DecisionAssert.Refused(Decide(new CreateTeam("t", Models: ["gpt-4o", " "])), RejectionKind.Invalid, "models[1]");
    }

    [Fact]
    public void a_member_with_an_unknown_role_is_invalid()
    {
        var command = new CreateTeam("t", Members: [new TeamMember("alice", "admin"), new TeamMember("bob", "owner")]);

        DecisionAssert.Refused(Decide(command), RejectionKind.Invalid, "members_with_roles[1].role");
    }

    [Fact]
    public void a_member_without_a_user_id_is_invalid()
    {
        var command = new CreateTeam("t", Members: [new TeamMember("", "user")]);

        DecisionAssert.Refused(Decide(command), RejectionKind.Invalid, "members_with_roles[0].user_id");
    }

    [Fact]
    public void a_member_with_a_negative_budget_in_the_team_is_invalid()
    {
        var command = new CreateTeam("t", Members: [new TeamMember("alice", "user", -5m)]);

        DecisionAssert.Refused(Decide(command), RejectionKind.Invalid, "members_with_roles[0].max_budget_in_team");
    }

    [Fact]
    public void a_member_listed_twice_is_a_conflict()
    {
        var command = new CreateTeam("t", Members: [new TeamMember("alice", "admin"), new TeamMember("alice", "user")]);

        DecisionAssert.Refused(Decide(command), RejectionKind.Conflict, "members_with_roles[1].user_id");
    }
}
