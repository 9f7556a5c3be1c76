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
