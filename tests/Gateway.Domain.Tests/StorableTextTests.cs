using System.Text.Json;
using Gateway.Domain.Customers;
using Gateway.Domain.Keys;
using Gateway.Domain.Models;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;
using Gateway.Domain.Tests.Teams;

namespace Gateway.Domain.Tests;

/// <summary>
/// The one rule for what the gateway can store as a name (and as free text), and that every decision the admin API and
/// the portal share holds the names it is given to it, so neither way in can store what PostgreSQL refuses.
/// </summary>
public class StorableTextTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static readonly TheoryData<string, string> Unstorable = new()
    {
        { "513 characters", new string('n', 513) },
        { "300 kB", new string('a', 300_000) },
        { "NUL", "bad\0name" },
        { "a lone high surrogate", "bad\ud800name" },
        { "a lone low surrogate", "bad\udc00name" },
        { "a reversed pair", "bad\udc00\ud800name" },
        { "a high surrogate at the end", "badname\ud83d" },
    };

    [Fact]
    public void names_up_to_512_characters_of_any_script_are_storable()
    {
        Assert.Null(StorableText.NameProblem(null));
        Assert.Null(StorableText.NameProblem(new string('n', 512)));
        Assert.Null(StorableText.NameProblem("équipe-北京-🚀")); // a surrogate pair is one character, not a lone half
        Assert.Equal("at most 512 characters", StorableText.NameProblem(new string('n', 513)));
    }

    [Theory]
    [MemberData(nameof(Unstorable))]
    public void a_name_that_postgresql_cannot_store_or_index_has_a_problem(string what, string name)
    {
        _ = what;
        Assert.NotNull(StorableText.NameProblem(name));
    }

    [Fact]
    public void free_text_may_be_long_but_not_hold_nul_or_a_lone_surrogate()
    {
        Assert.Null(StorableText.TextProblem(new string('t', 300_000)));
        Assert.Equal("must not contain NUL (\\u0000)", StorableText.TextProblem("a\0b"));
        Assert.StartsWith("must not contain a lone UTF-16 surrogate", StorableText.TextProblem("a\udfffb"));
    }

    [Fact]
    public void json_is_storable_when_every_name_and_string_in_it_is()
    {
        static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

        Assert.Null(StorableText.JsonProblem(Json("""{"a": ["b", {"c": 1, "d": "🚀"}], "e": null}""")));
        Assert.NotNull(StorableText.JsonProblem(Json("""{"a": ["b", {"c": "x\u0000y"}]}""")));
        Assert.NotNull(StorableText.JsonProblem(Json("""{"a\u0000": 1}""")));
        Assert.NotNull(StorableText.JsonProblem(Json("""["\ud800"]""")));
    }

    [Theory]
    [MemberData(nameof(Unstorable))]
    public void every_name_of_a_key_is_held_to_the_rule(string what, string name)
    {
        _ = what;
        var issue = new IssueKey(Guid.CreateVersion7(), KeyPlaintext.Hash("sk-a"), "sk-...a", "admin");
        Refused(IssueKey.Decide(issue with { KeyAlias = name }, Now), "key_alias");
        Refused(IssueKey.Decide(issue with { Models = ["gpt-4o", name] }, Now), "models[1]");
        Refused(IssueKey.Decide(issue with { Tags = [name] }, Now), "tags[0]");
        Refused(IssueKey.Decide(issue with { TeamId = name }, Now), "team_id");
        Refused(IssueKey.Decide(issue with { UserId = name }, Now), "user_id");
        Refused(IssueKey.Decide(issue with { Aliases = new Dictionary<string, string> { ["fast"] = name } }, Now), "aliases.fast");
        Refused(IssueKey.Decide(issue with { ModelRpmLimit = new Dictionary<string, long> { [name] = 10 } }, Now), "model_rpm_limit");

        var key = VirtualKey.Create(new KeyIssued(issue.KeyId, issue.KeyHash, issue.KeyName, Now, "admin"));
        Refused(UpdateKey.Decide(new UpdateKey(key.Id, "admin") { KeyAlias = Change.To<string?>(name) }, key, Now), "key_alias");
        Refused(UpdateKey.Decide(new UpdateKey(key.Id, "admin") { UserId = Change.To<string?>(name) }, key, Now), "user_id");
    }

    [Theory]
    [MemberData(nameof(Unstorable))]
    public void every_name_of_a_team_user_and_customer_is_held_to_the_rule(string what, string name)
    {
        _ = what;
        DecisionAssert.Refused(CreateTeam.Decide(new CreateTeam(name), null, false, "admin", Now), RejectionKind.Invalid, "team_id");
        DecisionAssert.Refused(CreateTeam.Decide(new CreateTeam("t", TeamAlias: name), null, false, "admin", Now), RejectionKind.Invalid, "team_alias");
        DecisionAssert.Refused(CreateTeam.Decide(new CreateTeam("t", Models: [name]), null, false, "admin", Now), RejectionKind.Invalid, "models[0]");
        DecisionAssert.Refused(AddTeamMember.Decide(new AddTeamMember("team-1", name, TeamRoles.User), TeamExamples.ATeam(), "admin", Now), RejectionKind.Invalid, "member.user_id");
        DecisionAssert.Refused(CreateUser.Decide(new CreateUser(name), null, "admin", Now), RejectionKind.Invalid, "user_id");
        DecisionAssert.Refused(CreateUser.Decide(new CreateUser("u", UserEmail: $"{name}@example.com"), null, "admin", Now), RejectionKind.Invalid, "user_email");
        DecisionAssert.Refused(CreateUser.Decide(new CreateUser("u", Models: [name]), null, "admin", Now), RejectionKind.Invalid, "models[0]");
        DecisionAssert.Refused(CreateCustomer.Decide(new CreateCustomer(name), null, "admin", Now), RejectionKind.Invalid, "user_id");
        DecisionAssert.Refused(CreateCustomer.Decide(new CreateCustomer("c", Alias: name), null, "admin", Now), RejectionKind.Invalid, "alias");
    }

    [Fact]
    public void a_models_parameters_may_be_long_but_must_be_storable()
    {
        var rules = Models.DeploymentExamples.Rules();
        static IReadOnlyDictionary<string, JsonElement> Params(string apiBase) =>
            Models.DeploymentExamples.Map(new { model = "openai/gpt-4o", api_base = apiBase });

        Assert.True(AddDeployment.Decide(new AddDeployment("db-1", "gpt-4o", Params("http://x/" + new string('p', 10_000))), null, rules, "admin", Now).IsAccepted);
        DecisionAssert.Refused(AddDeployment.Decide(new AddDeployment("db-1", "gpt-4o", Params("http://x\0/")), null, rules, "admin", Now),
            RejectionKind.Invalid, "litellm_params.api_base");
        DecisionAssert.Refused(AddDeployment.Decide(new AddDeployment("db-1", new string('m', 513), Params("http://x/")), null, rules, "admin", Now),
            RejectionKind.Invalid, "model_name");
        DecisionAssert.Refused(AddDeployment.Decide(new AddDeployment("db-1", "gpt-4o", Params("http://x/"), Models.DeploymentExamples.Map(new { mode = "chat\0" })),
            null, rules, "admin", Now), RejectionKind.Invalid, "model_info.mode");
        DecisionAssert.Refused(UpdateDeployment.Decide(new UpdateDeployment("db-1", LitellmParams: Models.DeploymentExamples.Map(new { api_base = "http://y\0/" })),
            Models.DeploymentExamples.Stored(), rules, "admin", Now), RejectionKind.Invalid, "litellm_params.api_base");
    }

    static void Refused(Decision decision, string field)
    {
        DecisionAssert.Refused(decision, RejectionKind.Invalid, field);
        Assert.StartsWith(field, decision.Rejection!.Message, StringComparison.Ordinal);
    }
}
