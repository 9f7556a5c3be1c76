using Gateway.Domain.Teams;
using Gateway.Domain.Tests.Teams;
using Gateway.Domain.Users;
using static Gateway.Domain.Tests.Users.UserExamples;

namespace Gateway.Domain.Tests.Users;

public class UpdateUserTests
{
    static Decision Decide(UpdateUser command, PortalUser? user) => UpdateUser.Decide(command, user, Admin, Now);

    [Fact]
    public void an_update_records_only_the_fields_that_were_sent()
    {
        var command = new UpdateUser(
            "alice",
            UserRole: Change.To(UserRoles.InternalUserViewer),
            BudgetDuration: Change.To<string?>(null),
            TpmLimit: Change.To<long?>(9));

        var updated = DecisionAssert.SingleEvent<UserUpdated>(Decide(command, AUser()));

        Assert.Equal("alice", updated.UserId);
        Assert.Equal(Now, updated.At);
        Assert.Equal(Admin, updated.By);
        Assert.Equal(UserRoles.InternalUserViewer, updated.UserRole!.Value);
        Assert.Null(updated.BudgetDuration!.Value);
        Assert.Equal(9, updated.TpmLimit!.Value);
        Assert.Null(updated.UserEmail);
        Assert.Null(updated.UserAlias);
        Assert.Null(updated.MaxBudget);
        Assert.Null(updated.Models);
        Assert.Null(updated.RpmLimit);
        Assert.Null(updated.Metadata);
    }

    [Fact]
    public void clearing_models_empties_them()
    {
        var updated = DecisionAssert.SingleEvent<UserUpdated>(
            Decide(new UpdateUser("alice", Models: new Change<IReadOnlyList<string>>(null!)), AUser()));

        Assert.Empty(AUser().Apply(updated).Models);
    }

    [Fact]
    public void an_update_that_changes_nothing_records_nothing()
    {
        DecisionAssert.NoEvents(Decide(new UpdateUser("alice"), AUser()));
    }

    [Fact]
    public void updating_a_missing_or_deleted_user_is_not_found()
    {
        var deleted = AUser().Apply(new UserDeleted("alice", Now, Admin));
        var command = new UpdateUser("alice", RpmLimit: Change.To<long?>(1));

        DecisionAssert.Refused(Decide(command, null), RejectionKind.NotFound, "user_id");
        DecisionAssert.Refused(Decide(command, deleted), RejectionKind.NotFound, "user_id");
    }

    public static TheoryData<UpdateUser, string> BadValues => new()
    {
        { new UpdateUser("alice", UserEmail: Change.To<string?>("alice")), "user_email" },
        { new UpdateUser("alice", UserAlias: Change.To<string?>("")), "user_alias" },
        { new UpdateUser("alice", UserRole: Change.To("root")), "user_role" },
        { new UpdateUser("alice", UserRole: new Change<string>(null!)), "user_role" },
        { new UpdateUser("alice", MaxBudget: Change.To<decimal?>(-2m)), "max_budget" },
        { new UpdateUser("alice", BudgetDuration: Change.To<string?>("2y")), "budget_duration" },
        { new UpdateUser("alice", Models: Change.To<IReadOnlyList<string>>([" "])), "models[0]" },
        { new UpdateUser("alice", TpmLimit: Change.To<long?>(-1)), "tpm_limit" },
        { new UpdateUser("alice", RpmLimit: Change.To<long?>(-1)), "rpm_limit" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void invalid_new_values_are_refused_with_their_field(UpdateUser command, string field)
    {
        DecisionAssert.Refused(Decide(command, AUser()), RejectionKind.Invalid, field);
    }

    [Fact]
    public void clearing_the_email_is_allowed()
    {
        var updated = DecisionAssert.SingleEvent<UserUpdated>(
            Decide(new UpdateUser("alice", UserEmail: Change.To<string?>(null)), AUser()));

        Assert.Null(AUser().Apply(updated).Email);
    }
}
