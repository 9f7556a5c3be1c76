using Gateway.Domain.Tests.Teams;
using Gateway.Domain.Users;
using static Gateway.Domain.Tests.Users.UserExamples;

namespace Gateway.Domain.Tests.Users;

public class DeleteUserTests
{
    [Fact]
    public void a_user_is_deleted()
    {
        var deleted = DecisionAssert.SingleEvent<UserDeleted>(DeleteUser.Decide(new DeleteUser("alice"), AUser(), Admin, Now));

        Assert.Equal(new UserDeleted("alice", Now, Admin), deleted);
    }

    [Fact]
    public void deleting_a_missing_or_already_deleted_user_is_not_found()
    {
        var deleted = AUser().Apply(new UserDeleted("alice", Now, Admin));

        DecisionAssert.Refused(DeleteUser.Decide(new DeleteUser("alice"), null, Admin, Now), RejectionKind.NotFound, "user_id");
        DecisionAssert.Refused(DeleteUser.Decide(new DeleteUser("alice"), deleted, Admin, Now), RejectionKind.NotFound, "user_id");
    }
}
