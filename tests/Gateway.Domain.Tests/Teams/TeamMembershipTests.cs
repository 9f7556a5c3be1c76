using Gateway.Domain.Teams;
using static Gateway.Domain.Tests.Teams.TeamExamples;

namespace Gateway.Domain.Tests.Teams;

public class AddTeamMemberTests
{
    static Decision Decide(AddTeamMember command, Team? team) => AddTeamMember.Decide(command, team, Admin, Now);

    [Fact]
    public void a_new_member_is_added_with_role_and_budget_in_team()
    {
        var added = DecisionAssert.SingleEvent<TeamMemberAdded>(
            Decide(new AddTeamMember("team-1", "bob", "user", 25m), ATeam()));

        Assert.Equal("team-1", added.TeamId);
        Assert.Equal("bob", added.UserId);
        Assert.Equal(TeamRoles.User, added.Role);
        Assert.Equal(25m, added.MaxBudgetInTeam);
        Assert.Equal(Now, added.At);
        Assert.Equal(Admin, added.By);
    }

    [Fact]
    public void adding_someone_who_is_already_a_member_is_a_conflict_on_the_member_s_user_id()
    {
        DecisionAssert.Refused(
            Decide(new AddTeamMember("team-1", "alice", "user"), ATeam()), RejectionKind.Conflict, "member.user_id");
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("Admin")]
    [InlineData("")]
    public void a_role_other_than_admin_or_user_is_invalid(string role)
    {
        DecisionAssert.Refused(
            Decide(new AddTeamMember("team-1", "bob", role), ATeam()), RejectionKind.Invalid, "member.role");
    }

    [Fact]
    public void a_member_without_a_user_id_is_invalid()
    {
        DecisionAssert.Refused(
            Decide(new AddTeamMember("team-1", " ", "user"), ATeam()), RejectionKind.Invalid, "member.user_id");
    }

    [Fact]
    public void a_negative_budget_in_team_is_invalid()
    {
        DecisionAssert.Refused(
            Decide(new AddTeamMember("team-1", "bob", "user", -1m), ATeam()), RejectionKind.Invalid, "max_budget_in_team");
    }

    [Fact]
    public void adding_to_a_missing_or_deleted_team_is_not_found()
    {
        var deleted = ATeam().Apply(new TeamDeleted("team-1", Now, Admin));

        DecisionAssert.Refused(Decide(new AddTeamMember("team-1", "bob", "user"), null), RejectionKind.NotFound, "team_id");
        DecisionAssert.Refused(Decide(new AddTeamMember("team-1", "bob", "user"), deleted), RejectionKind.NotFound, "team_id");
    }
}

public class RemoveTeamMemberTests
{
    static Decision Decide(RemoveTeamMember command, Team? team) => RemoveTeamMember.Decide(command, team, Admin, Now);

    [Fact]
    public void a_member_is_removed()
    {
        var removed = DecisionAssert.SingleEvent<TeamMemberRemoved>(Decide(new RemoveTeamMember("team-1", "alice"), ATeam()));

        Assert.Equal(new TeamMemberRemoved("team-1", "alice", Now, Admin), removed);
    }

    [Fact]
    public void removing_someone_who_is_not_a_member_is_not_found_on_the_user_id()
    {
        DecisionAssert.Refused(Decide(new RemoveTeamMember("team-1", "bob"), ATeam()), RejectionKind.NotFound, "user_id");
    }

    [Fact]
    public void removing_from_a_missing_or_deleted_team_is_not_found()
    {
        var deleted = ATeam().Apply(new TeamDeleted("team-1", Now, Admin));

        DecisionAssert.Refused(Decide(new RemoveTeamMember("team-1", "alice"), null), RejectionKind.NotFound, "team_id");
        DecisionAssert.Refused(Decide(new RemoveTeamMember("team-1", "alice"), deleted), RejectionKind.NotFound, "team_id");
    }
}

public class UpdateTeamMemberTests
{
    static Decision Decide(UpdateTeamMember command, Team? team) => UpdateTeamMember.Decide(command, team, Admin, Now);

    static Team WithBob(decimal? budget = 10m) =>
        ATeam().Apply(new TeamMemberAdded("team-1", "bob", TeamRoles.User, budget, Now, Admin));

    [Fact]
    public void a_members_role_and_budget_in_team_change_and_only_they_are_recorded()
    {
        var updated = DecisionAssert.SingleEvent<TeamMemberUpdated>(
            Decide(new UpdateTeamMember("team-1", "bob", Change.To(TeamRoles.Admin), Change.To<decimal?>(25m)), WithBob()));

        Assert.Equal(new TeamMemberUpdated("team-1", "bob", Now, Admin, Change.To(TeamRoles.Admin), Change.To<decimal?>(25m)), updated);
        var bob = WithBob().Apply(updated).Member("bob");
        Assert.Equal(new TeamMember("bob", TeamRoles.Admin, 25m), bob);
    }

    [Fact]
    public void a_budget_sent_as_null_is_cleared_and_the_role_is_left_alone()
    {
        var updated = DecisionAssert.SingleEvent<TeamMemberUpdated>(
            Decide(new UpdateTeamMember("team-1", "bob", MaxBudgetInTeam: Change.To<decimal?>(null)), WithBob()));

        Assert.Null(updated.Role);
        Assert.Equal(new TeamMember("bob", TeamRoles.User, null), WithBob().Apply(updated).Member("bob"));
    }

    [Fact]
    public void sending_the_current_values_records_nothing()
    {
        var decision = Decide(new UpdateTeamMember("team-1", "bob", Change.To(TeamRoles.User), Change.To<decimal?>(10m)), WithBob());

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void an_unknown_role_or_a_negative_budget_is_invalid()
    {
        DecisionAssert.Refused(Decide(new UpdateTeamMember("team-1", "bob", Change.To("owner")), WithBob()), RejectionKind.Invalid, "role");
        DecisionAssert.Refused(
            Decide(new UpdateTeamMember("team-1", "bob", MaxBudgetInTeam: Change.To<decimal?>(-1m)), WithBob()), RejectionKind.Invalid, "max_budget_in_team");
    }

    [Fact]
    public void updating_someone_who_is_not_a_member_or_a_missing_team_is_not_found()
    {
        var deleted = WithBob().Apply(new TeamDeleted("team-1", Now, Admin));

        DecisionAssert.Refused(Decide(new UpdateTeamMember("team-1", "carol", Change.To(TeamRoles.Admin)), WithBob()), RejectionKind.NotFound, "user_id");
        DecisionAssert.Refused(Decide(new UpdateTeamMember("team-1", "bob", Change.To(TeamRoles.Admin)), null), RejectionKind.NotFound, "team_id");
        DecisionAssert.Refused(Decide(new UpdateTeamMember("team-1", "bob", Change.To(TeamRoles.Admin)), deleted), RejectionKind.NotFound, "team_id");
    }
}
