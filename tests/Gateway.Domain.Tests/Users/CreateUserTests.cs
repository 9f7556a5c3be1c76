using System.Text.Json;
using Gateway.Domain.Tests.Teams;
using Gateway.Domain.Users;
using static Gateway.Domain.Tests.Users.UserExamples;

namespace Gateway.Domain.Tests.Users;

public class CreateUserTests
{
    static Decision Decide(CreateUser command, PortalUser? existing = null) =>
        CreateUser.Decide(command, existing, Admin, Now);

    [Fact]
    public void a_new_user_is_created_with_everything_they_were_given()
    {
        var metadata = new Dictionary<string, JsonElement> { ["dept"] = JsonSerializer.SerializeToElement("ads") };
        var command = new CreateUser(
            "bob",
            UserEmail: "bob@example.com",
            UserAlias: "Bob",
            UserRole: UserRoles.ProxyAdminViewer,
            Teams: ["team-1", "team-2"],
            MaxBudget: 15m,
            BudgetDuration: "1mo",
            Models: ["gpt-4o-mini"],
            TpmLimit: 2_000,
            RpmLimit: 20,
            Metadata: metadata);

        var created = DecisionAssert.SingleEvent<UserCreated>(Decide(command));

        Assert.Equal("bob", created.UserId);
        Assert.Equal("bob@example.com", created.UserEmail);
        Assert.Equal("Bob", created.UserAlias);
        Assert.Equal(UserRoles.ProxyAdminViewer, created.UserRole);
        Assert.Equal(["team-1", "team-2"], created.Teams);
        Assert.Equal(15m, created.MaxBudget);
        Assert.Equal("1mo", created.BudgetDuration);
        Assert.Equal(["gpt-4o-mini"], created.Models);
        Assert.Equal(2_000, created.TpmLimit);
        Assert.Equal(20, created.RpmLimit);
        Assert.Same(metadata, created.Metadata);
        Assert.Equal(Now, created.At);
        Assert.Equal(Admin, created.By);
    }

    [Fact]
    public void a_user_sent_without_a_role_is_an_internal_user_with_empty_lists()
    {
        var created = DecisionAssert.SingleEvent<UserCreated>(Decide(new CreateUser("bob")));

        Assert.Equal(UserRoles.InternalUser, created.UserRole);
        Assert.Empty(created.Teams);
        Assert.Empty(created.Models);
        Assert.Empty(created.Metadata);
        Assert.Null(created.UserEmail);
    }

    [Theory]
    [InlineData("proxy_admin")]
    [InlineData("proxy_admin_viewer")]
    [InlineData("internal_user")]
    [InlineData("internal_user_viewer")]
    public void each_litellm_role_is_accepted(string role)
    {
        Assert.Equal(role, DecisionAssert.SingleEvent<UserCreated>(Decide(new CreateUser("bob", UserRole: role))).UserRole);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("PROXY_ADMIN")]
    [InlineData("")]
    public void an_unknown_role_is_invalid(string role)
    {
        DecisionAssert.Refused(Decide(new CreateUser("bob", UserRole: role)), RejectionKind.Invalid, "user_role");
    }

    [Theory]
    [InlineData("bob.smith+gw@mail.example.co.uk")]
    [InlineData("b@x.io")]
    public void plausible_emails_are_accepted(string email)
    {
        DecisionAssert.SingleEvent<UserCreated>(Decide(new CreateUser("bob", UserEmail: email)));
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("@example.com")]
    [InlineData("bob@")]
    [InlineData("bob@example")]
    [InlineData("bob@@example.com")]
    [InlineData("bob smith@example.com")]
    [InlineData("bob@example.com.")]
    [InlineData("bob@.example.com")]
    [InlineData("bob@example..com")]
    public void emails_that_are_not_shaped_like_one_are_invalid(string email)
    {
        DecisionAssert.Refused(Decide(new CreateUser("bob", UserEmail: email)), RejectionKind.Invalid, "user_email");
    }

    [Fact]
    public void an_id_already_used_is_a_conflict_even_after_deletion()
    {
        var deleted = AUser("bob").Apply(new UserDeleted("bob", Now, Admin));

        DecisionAssert.Refused(Decide(new CreateUser("bob"), AUser("bob")), RejectionKind.Conflict, "user_id");
        DecisionAssert.Refused(Decide(new CreateUser("bob"), deleted), RejectionKind.Conflict, "user_id");
    }

    public static TheoryData<CreateUser, string> BadFields => new()
    {
        { new CreateUser(""), "user_id" },
        { new CreateUser("bob", UserAlias: " "), "user_alias" },
        { new CreateUser("bob", Teams: ["team-1", ""]), "teams[1]" },
        { new CreateUser("bob", MaxBudget: -1m), "max_budget" },
        { new CreateUser("bob", BudgetDuration: "30 days"), "budget_duration" },
        { new CreateUser("bob", Models: [""]), "models[0]" },
        { new CreateUser("bob", TpmLimit: -1), "tpm_limit" },
        { new CreateUser("bob", RpmLimit: -1), "rpm_limit" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void invalid_fields_are_refused_by_name(CreateUser command, string field)
    {
        DecisionAssert.Refused(Decide(command), RejectionKind.Invalid, field);
    }
}
