using Gateway.Domain.Teams;
using static Gateway.Domain.Tests.Teams.TeamExamples;

namespace Gateway.Domain.Tests.Teams;

public class TeamLifecycleTests
{
    static readonly Team Deleted = ATeam().Apply(new TeamDeleted("team-1", Now, Admin));
    static readonly Team Blocked = ATeam().Apply(new TeamBlocked("team-1", Now, Admin));

    [Fact]
    public void a_team_is_deleted()
    {
        var deleted = DecisionAssert.SingleEvent<TeamDeleted>(DeleteTeam.Decide(new DeleteTeam("team-1"), ATeam(), Admin, Now));

        Assert.Equal(new TeamDeleted("team-1", Now, Admin), deleted);
    }

    [Fact]
    public void deleting_a_missing_or_already_deleted_team_is_not_found()
    {
        DecisionAssert.Refused(DeleteTeam.Decide(new DeleteTeam("team-1"), null, Admin, Now), RejectionKind.NotFound, "team_id");
        DecisionAssert.Refused(DeleteTeam.Decide(new DeleteTeam("team-1"), Deleted, Admin, Now), RejectionKind.NotFound, "team_id");
    }

    [Fact]
    public void an_active_team_is_blocked()
    {
        var blocked = DecisionAssert.SingleEvent<TeamBlocked>(BlockTeam.Decide(new BlockTeam("team-1"), ATeam(), Admin, Now));

        Assert.Equal(new TeamBlocked("team-1", Now, Admin), blocked);
    }

    [Fact]
    public void blocking_a_blocked_team_records_nothing()
    {
        DecisionAssert.NoEvents(BlockTeam.Decide(new BlockTeam("team-1"), Blocked, Admin, Now));
    }

    [Fact]
    public void a_blocked_team_is_unblocked()
    {
        var unblocked = DecisionAssert.SingleEvent<TeamUnblocked>(
            UnblockTeam.Decide(new UnblockTeam("team-1"), Blocked, Admin, Now));

        Assert.Equal(new TeamUnblocked("team-1", Now, Admin), unblocked);
    }

    [Fact]
    public void unblocking_an_active_team_records_nothing()
    {
        DecisionAssert.NoEvents(UnblockTeam.Decide(new UnblockTeam("team-1"), ATeam(), Admin, Now));
    }

    [Fact]
    public void blocking_or_unblocking_a_missing_or_deleted_team_is_not_found()
    {
        DecisionAssert.Refused(BlockTeam.Decide(new BlockTeam("team-1"), null, Admin, Now), RejectionKind.NotFound, "team_id");
        DecisionAssert.Refused(BlockTeam.Decide(new BlockTeam("team-1"), Deleted, Admin, Now), RejectionKind.NotFound, "team_id");
        DecisionAssert.Refused(UnblockTeam.Decide(new UnblockTeam("team-1"), null, Admin, Now), RejectionKind.NotFound, "team_id");
        DecisionAssert.Refused(
            UnblockTeam.Decide(new UnblockTeam("team-1"), Deleted.Apply(new TeamBlocked("team-1", Now, Admin)), Admin, Now),
            RejectionKind.NotFound,
            "team_id");
    }
}
