using System.Text.Json;
using Gateway.Domain.Teams;
using static Gateway.Domain.Tests.Teams.TeamExamples;

namespace Gateway.Domain.Tests.Teams;

public class UpdateTeamTests
{
    static Decision Decide(UpdateTeam command, Team? team, bool aliasTaken = false) =>
        UpdateTeam.Decide(command, team, aliasTaken, Admin, Now);

    [Fact]
    public void an_update_records_only_the_fields_that_were_sent()
    {
        var command = new UpdateTeam(
            "team-1",
            TeamAlias: Change.To<string?>("Search v2"),
            MaxBudget: Change.To<decimal?>(200m),
            RpmLimit: Change.To<long?>(500));

        var updated = DecisionAssert.SingleEvent<TeamUpdated>(Decide(command, ATeam()));

        Assert.Equal("team-1", updated.TeamId);
        Assert.Equal(Now, updated.At);
        Assert.Equal(Admin, updated.By);
        Assert.Equal("Search v2", updated.TeamAlias!.Value);
        Assert.Equal(200m, updated.MaxBudget!.Value);
        Assert.Equal(500, updated.RpmLimit!.Value);
        Assert.Null(updated.Models);
        Assert.Null(updated.SoftBudget);
        Assert.Null(updated.BudgetDuration);
        Assert.Null(updated.TpmLimit);
        Assert.Null(updated.MaxParallelRequests);
        Assert.Null(updated.Metadata);
    }

    [Fact]
    public void a_field_sent_as_null_is_recorded_as_cleared()
    {
        var command = new UpdateTeam("team-1", MaxBudget: Change.To<decimal?>(null), SoftBudget: Change.To<decimal?>(null));

        var updated = DecisionAssert.SingleEvent<TeamUpdated>(Decide(command, ATeam()));
        var team = ATeam().Apply(updated);

        Assert.NotNull(updated.MaxBudget);
        Assert.Null(updated.MaxBudget.Value);
        Assert.Null(team.MaxBudget);
        Assert.Null(team.SoftBudget);
    }

    [Fact]
    public void clearing_models_or_metadata_empties_them()
    {
        var command = new UpdateTeam(
            "team-1",
            Models: new Change<IReadOnlyList<string>>(null!),
            Metadata: new Change<IReadOnlyDictionary<string, JsonElement>>(null!));

        var updated = DecisionAssert.SingleEvent<TeamUpdated>(Decide(command, ATeam()));

        Assert.Empty(updated.Models!.Value);
        Assert.Empty(updated.Metadata!.Value);
    }

    [Fact]
    public void an_update_that_changes_nothing_records_nothing()
    {
        DecisionAssert.NoEvents(Decide(new UpdateTeam("team-1"), ATeam()));
    }

    [Fact]
    public void updating_a_team_that_does_not_exist_is_not_found()
    {
        DecisionAssert.Refused(
            Decide(new UpdateTeam("nope", RpmLimit: Change.To<long?>(1)), null), RejectionKind.NotFound, "team_id");
    }

    [Fact]
    public void updating_a_deleted_team_is_not_found()
    {
        var deleted = ATeam().Apply(new TeamDeleted("team-1", Now, Admin));

        DecisionAssert.Refused(
            Decide(new UpdateTeam("team-1", RpmLimit: Change.To<long?>(1)), deleted), RejectionKind.NotFound, "team_id");
    }

    [Fact]
    public void lowering_the_max_budget_below_the_existing_soft_budget_is_invalid()
    {
        // The example team has max 100 and soft 80.
        DecisionAssert.Refused(
            Decide(new UpdateTeam("team-1", MaxBudget: Change.To<decimal?>(50m)), ATeam()),
            RejectionKind.Invalid,
            "soft_budget");
    }

    [Fact]
    public void raising_the_soft_budget_together_with_the_max_budget_is_allowed()
    {
        var command = new UpdateTeam("team-1", MaxBudget: Change.To<decimal?>(300m), SoftBudget: Change.To<decimal?>(250m));

        DecisionAssert.SingleEvent<TeamUpdated>(Decide(command, ATeam()));
    }

    public static TheoryData<UpdateTeam, string> BadValues => new()
    {
        { new UpdateTeam("team-1", MaxBudget: Change.To<decimal?>(-1m)), "max_budget" },
        { new UpdateTeam("team-1", SoftBudget: Change.To<decimal?>(-1m)), "soft_budget" },
        { new UpdateTeam("team-1", TpmLimit: Change.To<long?>(-1)), "tpm_limit" },
        { new UpdateTeam("team-1", RpmLimit: Change.To<long?>(-1)), "rpm_limit" },
        { new UpdateTeam("team-1", MaxParallelRequests: Change.To<long?>(-1)), "max_parallel_requests" },
        { new UpdateTeam("team-1", BudgetDuration: Change.To<string?>("monthly")), "budget_duration" },
        { new UpdateTeam("team-1", TeamAlias: Change.To<string?>(" ")), "team_alias" },
        { new UpdateTeam("team-1", Models: Change.To<IReadOnlyList<string>>([""])), "models[0]" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void invalid_new_values_are_refused_with_their_field(UpdateTeam command, string field)
    {
        DecisionAssert.Refused(Decide(command, ATeam()), RejectionKind.Invalid, field);
    }

    [Fact]
    public void renaming_to_an_alias_another_team_uses_is_a_conflict()
    {
        DecisionAssert.Refused(
            Decide(new UpdateTeam("team-1", TeamAlias: Change.To<string?>("Ads")), ATeam(), aliasTaken: true),
            RejectionKind.Conflict,
            "team_alias");
    }

    [Fact]
    public void resending_the_team_s_own_alias_is_not_a_conflict_and_changes_nothing()
    {
        var decision = Decide(new UpdateTeam("team-1", TeamAlias: Change.To<string?>("Search")), ATeam(), aliasTaken: true);
        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void only_the_fields_that_differ_from_the_team_are_recorded()
    {
        var updated = DecisionAssert.SingleEvent<TeamUpdated>(Decide(
            new UpdateTeam("team-1", TeamAlias: Change.To<string?>("Search"), RpmLimit: Change.To<long?>(7)), ATeam(), aliasTaken: true));
        Assert.Null(updated.TeamAlias);
        Assert.Equal(7, updated.RpmLimit!.Value);
    }
}
