using System.Text.Json;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;
using static Gateway.Domain.Tests.Users.UserExamples;

namespace Gateway.Domain.Tests.Users;

public class PortalUserFoldTests
{
    [Fact]
    public void a_created_user_carries_every_field_of_their_creation()
    {
        var user = PortalUser.Create(Creation());

        Assert.Equal("alice", user.UserId);
        Assert.Equal(StreamIds.User("alice"), user.Id);
        Assert.Equal("alice@example.com", user.Email);
        Assert.Equal("Alice", user.Alias);
        Assert.Equal(UserRoles.InternalUser, user.Role);
        Assert.Equal(["team-1"], user.Teams);
        Assert.Equal(20m, user.MaxBudget);
        Assert.Equal("7d", user.BudgetDuration);
        Assert.Equal(["gpt-4o"], user.Models);
        Assert.Equal(5_000, user.TpmLimit);
        Assert.Equal(50, user.RpmLimit);
        Assert.Equal("search", user.Metadata["dept"].GetString());
        Assert.False(user.Deleted);
        Assert.False(user.IsAdmin);
        Assert.Equal(Created, user.CreatedAt);
    }

    [Fact]
    public void an_update_changes_the_fields_it_names_clears_those_set_to_null_and_leaves_the_rest()
    {
        var user = AUser().Apply(new UserUpdated(
            "alice", Now, Admin,
            UserRole: Change.To(UserRoles.ProxyAdmin),
            MaxBudget: Change.To<decimal?>(null),
            Metadata: Change.To<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>())));

        Assert.Equal(UserRoles.ProxyAdmin, user.Role);
        Assert.True(user.IsAdmin);
        Assert.Null(user.MaxBudget);
        Assert.Empty(user.Metadata);
        Assert.Equal("alice@example.com", user.Email);
        Assert.Equal("7d", user.BudgetDuration);
        Assert.Equal(Now, user.UpdatedAt);
    }

    [Fact]
    public void a_deleted_user_is_marked_deleted()
    {
        var user = AUser().Apply(new UserDeleted("alice", Now, Admin));

        Assert.True(user.Deleted);
        Assert.Equal(Now, user.UpdatedAt);
    }
}
