using System.Text.Json;
using Gateway.Domain.Keys;
using static Gateway.Domain.Tests.Keys.Given;

namespace Gateway.Domain.Tests.Keys;

public class IssueKeyTests
{
    [Fact]
    public void a_key_with_nothing_but_its_secret_is_issued_with_no_limits()
    {
        var issued = Single<KeyIssued>(IssueKey.Decide(IssueCommand(), IssuedAt));

        Assert.Equal(KeyId, issued.KeyId);
        Assert.Equal(Hash, issued.KeyHash);
        Assert.Equal("sk-...abcd", issued.KeyName);
        Assert.Equal(IssuedAt, issued.At);
        Assert.Equal(Admin, issued.By);
        Assert.Null(issued.MaxBudget);
        Assert.Null(issued.ExpiresAt);
        Assert.Null(issued.BudgetDuration);
        Assert.Empty(issued.Models);
        Assert.Empty(issued.Metadata);
        Assert.False(issued.Blocked);
    }

    [Fact]
    public void every_setting_is_carried_into_the_event()
    {
        var command = IssueCommand() with
        {
            KeyAlias = "billing-service",
            Duration = "30d",
            Models = ["gpt-4o", "claude-sonnet"],
            Aliases = new Dictionary<string, string> { ["fast"] = "gpt-4o-mini" },
            MaxBudget = 100m,
            SoftBudget = 80m,
            BudgetDuration = " 1MO ",
            ModelMaxBudget = new Dictionary<string, ModelBudget> { ["gpt-4o"] = new(10m, "1D") },
            TpmLimit = 50_000,
            RpmLimit = 200,
            MaxParallelRequests = 10,
            ModelRpmLimit = new Dictionary<string, long> { ["gpt-4o"] = 20 },
            ModelTpmLimit = new Dictionary<string, long> { ["gpt-4o"] = 5_000 },
            Metadata = new Dictionary<string, JsonElement> { ["owner"] = JsonDocument.Parse("\"ops\"").RootElement },
            TeamId = "team-1",
            UserId = "user-1",
            OrganizationId = "org-1",
            Tags = ["prod"],
            KeyType = "llm_api",
            Blocked = true,
        };

        var issued = Single<KeyIssued>(IssueKey.Decide(command, IssuedAt));

        Assert.Equal("billing-service", issued.KeyAlias);
        Assert.Equal(IssuedAt.AddDays(30), issued.ExpiresAt);
        Assert.Equal(["gpt-4o", "claude-sonnet"], issued.Models);
        Assert.Equal("gpt-4o-mini", issued.Aliases["fast"]);
        Assert.Equal(100m, issued.MaxBudget);
        Assert.Equal(80m, issued.SoftBudget);
        Assert.Equal("1mo", issued.BudgetDuration);
        Assert.Equal(new ModelBudget(10m, "1d"), issued.ModelMaxBudget["gpt-4o"]);
        Assert.Equal(50_000, issued.TpmLimit);
        Assert.Equal(200, issued.RpmLimit);
        Assert.Equal(10, issued.MaxParallelRequests);
        Assert.Equal(20, issued.ModelRpmLimit["gpt-4o"]);
        Assert.Equal(5_000, issued.ModelTpmLimit["gpt-4o"]);
        Assert.Equal("ops", issued.Metadata["owner"].GetString());
        Assert.Equal("team-1", issued.TeamId);
        Assert.Equal("user-1", issued.UserId);
        Assert.Equal("org-1", issued.OrganizationId);
        Assert.Equal(["prod"], issued.Tags);
        Assert.Equal("llm_api", issued.KeyType);
        Assert.True(issued.Blocked);
    }

    [Fact]
    public void a_soft_budget_equal_to_the_max_budget_is_allowed()
    {
        var issued = Single<KeyIssued>(IssueKey.Decide(IssueCommand() with { MaxBudget = 5m, SoftBudget = 5m }, IssuedAt));

        Assert.Equal(5m, issued.SoftBudget);
    }

    [Fact]
    public void zero_budgets_and_limits_are_allowed()
    {
        var issued = Single<KeyIssued>(IssueKey.Decide(IssueCommand() with { MaxBudget = 0m, RpmLimit = 0 }, IssuedAt));

        Assert.Equal(0m, issued.MaxBudget);
        Assert.Equal(0, issued.RpmLimit);
    }

    public static TheoryData<IssueKey, string> InvalidCommands => new()
    {
        { IssueCommand() with { MaxBudget = -1m }, "max_budget" },
        { IssueCommand() with { SoftBudget = -0.01m }, "soft_budget" },
        { IssueCommand() with { MaxBudget = 10m, SoftBudget = 11m }, "soft_budget" },
        { IssueCommand() with { TpmLimit = -1 }, "tpm_limit" },
        { IssueCommand() with { RpmLimit = -1 }, "rpm_limit" },
        { IssueCommand() with { MaxParallelRequests = -1 }, "max_parallel_requests" },
        { IssueCommand() with { Duration = "forever" }, "duration" },
        { IssueCommand() with { BudgetDuration = "monthly" }, "budget_duration" },
        { IssueCommand() with { KeyAlias = "  " }, "key_alias" },
        { IssueCommand() with { Models = ["gpt-4o", ""] }, "models" },
        { IssueCommand() with { Tags = [" "] }, "tags" },
        { IssueCommand() with { ModelMaxBudget = new Dictionary<string, ModelBudget> { ["gpt-4o"] = new(-1m, "1d") } }, "model_max_budget" },
        { IssueCommand() with { ModelMaxBudget = new Dictionary<string, ModelBudget> { ["gpt-4o"] = new(1m, "daily") } }, "model_max_budget" },
        { IssueCommand() with { ModelMaxBudget = new Dictionary<string, ModelBudget> { [""] = new(1m, null) } }, "model_max_budget" },
        { IssueCommand() with { ModelRpmLimit = new Dictionary<string, long> { ["gpt-4o"] = -5 } }, "model_rpm_limit" },
        { IssueCommand() with { ModelTpmLimit = new Dictionary<string, long> { [""] = 5 } }, "model_tpm_limit" },
        { IssueCommand() with { KeyHash = "sk-not-a-hash" }, "key" },
        { IssueCommand() with { KeyHash = Hash.ToUpperInvariant() }, "key" },
    };

    [Theory]
    [MemberData(nameof(InvalidCommands))]
    public void an_invalid_setting_is_refused_naming_its_field(IssueKey command, string field)
    {
        var rejection = Rejected(IssueKey.Decide(command, IssuedAt), RejectionKind.Invalid, field);

        Assert.False(string.IsNullOrWhiteSpace(rejection.Message));
    }

    [Fact]
    public void a_model_budget_without_a_time_period_never_resets()
    {
        var command = IssueCommand() with { ModelMaxBudget = new Dictionary<string, ModelBudget> { ["gpt-4o"] = new(3m, null) } };

        var issued = Single<KeyIssued>(IssueKey.Decide(command, IssuedAt));

        Assert.Null(issued.ModelMaxBudget["gpt-4o"].TimePeriod);
    }

    [Fact]
    public void a_monthly_duration_expires_on_the_same_day_next_month()
    {
        var jan31 = new DateTimeOffset(2026, 1, 31, 8, 0, 0, TimeSpan.Zero);

        var issued = Single<KeyIssued>(IssueKey.Decide(IssueCommand() with { Duration = "1mo" }, jan31));

        Assert.Equal(new DateTimeOffset(2026, 2, 28, 8, 0, 0, TimeSpan.Zero), issued.ExpiresAt);
    }
}
