using System.Text.Json;
using Gateway.Domain.Teams;
using static Gateway.Domain.Tests.Teams.TeamExamples;

namespace Gateway.Domain.Tests.Teams;

public class TeamFoldTests
{
    [Fact]
    public void a_created_team_carries_every_field_of_its_creation()
    {
        var team = Team.Create(Creation());

        Assert.Equal("team-1", team.TeamId);
        Assert.Equal(StreamIds.Team("team-1"), team.Id);
        Assert.Equal("Search", team.Alias);
        Assert.Equal(["gpt-4o"], team.Models);
        Assert.Equal(100m, team.MaxBudget);
        Assert.Equal(80m, team.SoftBudget);
        Assert.Equal("30d", team.BudgetDuration);
        Assert.Equal(10_000, team.TpmLimit);
        Assert.Equal(100, team.RpmLimit);
        Assert.Equal(5, team.MaxParallelRequests);
        Assert.Equal("cc-7", team.Metadata["cost_center"].GetString());
        Assert.False(team.Blocked);
        Assert.False(team.Deleted);
        Assert.Equal(new TeamMember("alice", TeamRoles.Admin), Assert.Single(team.Members));
        Assert.Equal(Created, team.CreatedAt);
        Assert.Equal(Created, team.UpdatedAt);
    }

    [Fact]
    public void an_update_changes_the_fields_it_names_clears_those_set_to_null_and_leaves_the_rest()
    {
        var team = ATeam().Apply(new TeamUpdated(
            "team-1", Now, Admin,
            TeamAlias: Change.To<string?>("Search v2"),
            SoftBudget: Change.To<decimal?>(null),
            Metadata: Change.To<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>())));

        Assert.Equal("Search v2", team.Alias);
        Assert.Null(team.SoftBudget);
        Assert.Empty(team.Metadata);
        Assert.Equal(100m, team.MaxBudget);
        Assert.Equal("30d", team.BudgetDuration);
        Assert.Equal(["gpt-4o"], team.Models);
        Assert.Equal(Created, team.CreatedAt);
        Assert.Equal(Now, team.UpdatedAt);
    }

    [Fact]
    public void members_join_and_leave()
    {
        var team = ATeam()
            .Apply(new TeamMemberAdded("team-1", "bob", TeamRoles.User, 10m, Now, Admin))
            .Apply(new TeamMemberRemoved("team-1", "alice", Now, Admin));

        Assert.Equal(new TeamMember("bob", TeamRoles.User, 10m), Assert.Single(team.Members));
        Assert.Null(team.Member("alice"));
    }

    [Fact]
    public void blocking_unblocking_and_deleting_are_remembered()
    {
        var blocked = ATeam().Apply(new TeamBlocked("team-1", Now, Admin));
        var unblocked = blocked.Apply(new TeamUnblocked("team-1", Now.AddMinutes(1), Admin));
        var deleted = unblocked.Apply(new TeamDeleted("team-1", Now.AddMinutes(2), Admin));

        Assert.True(blocked.Blocked);
        Assert.False(unblocked.Blocked);
        Assert.True(deleted.Deleted);
        Assert.Equal(Now.AddMinutes(2), deleted.UpdatedAt);
    }

    [Fact]
    public void folding_returns_a_new_state_and_leaves_the_old_one_untouched()
    {
        var before = ATeam();

        var after = before.Apply(new TeamBlocked("team-1", Now, Admin));

        Assert.False(before.Blocked);
        Assert.True(after.Blocked);
    }
}
