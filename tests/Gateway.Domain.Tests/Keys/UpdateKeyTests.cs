using System.Text.Json;
using Gateway.Domain.Keys;
using static Gateway.Domain.Tests.Keys.Given;

namespace Gateway.Domain.Tests.Keys;

public class UpdateKeyTests
{
    static readonly VirtualKey Limited = Key(issued => issued with
    {
        KeyAlias = "old-alias",
        MaxBudget = 10m,
        SoftBudget = 8m,
        BudgetDuration = "1d",
        RpmLimit = 100,
        Models = ["gpt-4o"],
        ExpiresAt = IssuedAt.AddDays(30),
    });

    static UpdateKey Update() => new(KeyId, "lead@example.com");

    [Fact]
    public void only_the_fields_that_change_are_in_the_event()
    {
        var command = Update() with
        {
            MaxBudget = new(20m),
            RpmLimit = new(100),
            Models = new(["gpt-4o"]),
            KeyAlias = new("new-alias"),
        };

        var updated = Single<KeyUpdated>(UpdateKey.Decide(command, Limited, Later));

        Assert.Equal(new Change<decimal?>(20m), updated.MaxBudget);
        Assert.Equal(new Change<string?>("new-alias"), updated.KeyAlias);
        Assert.Null(updated.RpmLimit);
        Assert.Null(updated.Models);
        Assert.Null(updated.SoftBudget);
        Assert.Equal(Later, updated.At);
        Assert.Equal("lead@example.com", updated.By);
    }

    [Fact]
    public void a_change_to_null_clears_the_setting()
    {
        var command = Update() with { MaxBudget = new(null), SoftBudget = new(null), Duration = new(null), Models = new(null) };

        var updated = Single<KeyUpdated>(UpdateKey.Decide(command, Limited, Later));

        Assert.Equal(new Change<decimal?>(null), updated.MaxBudget);
        Assert.Equal(new Change<DateTimeOffset?>(null), updated.ExpiresAt);
        Assert.NotNull(updated.Models);
        Assert.Empty(updated.Models.Value);
    }

    [Fact]
    public void a_new_duration_sets_the_expiry_from_now()
    {
        var updated = Single<KeyUpdated>(UpdateKey.Decide(Update() with { Duration = new("1h") }, Limited, Later));

        Assert.Equal(new Change<DateTimeOffset?>(Later.AddHours(1)), updated.ExpiresAt);
    }

    [Fact]
    public void a_budget_duration_in_other_spelling_is_no_change()
    {
        var decision = UpdateKey.Decide(Update() with { BudgetDuration = new(" 1D ") }, Limited, Later);

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void a_new_budget_duration_is_stored_in_canonical_text()
    {
        var updated = Single<KeyUpdated>(UpdateKey.Decide(Update() with { BudgetDuration = new("1MO") }, Limited, Later));

        Assert.Equal(new Change<string?>("1mo"), updated.BudgetDuration);
    }

    [Fact]
    public void an_update_that_changes_nothing_records_nothing()
    {
        var decision = UpdateKey.Decide(Update() with { MaxBudget = new(10m), Tags = new([]) }, Limited, Later);

        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void metadata_with_the_same_json_is_no_change_and_different_json_is()
    {
        var key = Key(issued => issued with { Metadata = new Dictionary<string, JsonElement> { ["a"] = Json("{\"x\":1}") } });

        var same = UpdateKey.Decide(Update() with { Metadata = new(new Dictionary<string, JsonElement> { ["a"] = Json("{ \"x\": 1 }") }) }, key, Later);
        var different = UpdateKey.Decide(Update() with { Metadata = new(new Dictionary<string, JsonElement> { ["a"] = Json("{\"x\":2}") }) }, key, Later);

        Assert.Empty(same.Events);
        Assert.Equal(2, Single<KeyUpdated>(different).Metadata!.Value["a"].GetProperty("x").GetInt32());
    }

    [Fact]
    public void a_soft_budget_above_the_existing_max_budget_is_refused()
    {
        Rejected(UpdateKey.Decide(Update() with { SoftBudget = new(11m) }, Limited, Later), RejectionKind.Invalid, "soft_budget");
    }

    [Fact]
    public void lowering_the_max_budget_below_the_existing_soft_budget_is_refused()
    {
        Rejected(UpdateKey.Decide(Update() with { MaxBudget = new(5m) }, Limited, Later), RejectionKind.Invalid, "soft_budget");
    }

    [Fact]
    public void clearing_the_max_budget_leaves_any_soft_budget_valid()
    {
        var updated = Single<KeyUpdated>(UpdateKey.Decide(Update() with { MaxBudget = new(null) }, Limited, Later));

        Assert.Equal(new Change<decimal?>(null), updated.MaxBudget);
    }

    public static TheoryData<UpdateKey, string> InvalidCommands => new()
    {
        { Update() with { MaxBudget = new(-1m) }, "max_budget" },
        { Update() with { TpmLimit = new(-1) }, "tpm_limit" },
        { Update() with { MaxParallelRequests = new(-2) }, "max_parallel_requests" },
        { Update() with { Duration = new("someday") }, "duration" },
        { Update() with { BudgetDuration = new("1y") }, "budget_duration" },
        { Update() with { KeyAlias = new("") }, "key_alias" },
        { Update() with { ModelMaxBudget = new(new Dictionary<string, ModelBudget> { ["gpt-4o"] = new(-3m, "1d") }) }, "model_max_budget" },
        { Update() with { ModelRpmLimit = new(new Dictionary<string, long> { ["gpt-4o"] = -1 }) }, "model_rpm_limit" },
    };

    [Theory]
    [MemberData(nameof(InvalidCommands))]
    public void an_invalid_setting_is_refused_naming_its_field(UpdateKey command, string field)
    {
        Rejected(UpdateKey.Decide(command, Limited, Later), RejectionKind.Invalid, field);
    }

    [Fact]
    public void blocked_true_blocks_the_key_after_updating_it()
    {
        var decision = UpdateKey.Decide(Update() with { RpmLimit = new(5), Blocked = true }, Limited, Later);

        Assert.Collection(decision.Events,
            e => Assert.Equal(new Change<long?>(5), Assert.IsType<KeyUpdated>(e).RpmLimit),
            e => Assert.Equal(new KeyBlocked(KeyId, Later, "lead@example.com"), e));
    }

    [Fact]
    public void blocked_false_unblocks_a_blocked_key_and_is_no_change_on_an_unblocked_one()
    {
        var blocked = Limited.Apply(new KeyBlocked(KeyId, IssuedAt, Admin));

        Assert.Equal(new KeyUnblocked(KeyId, Later, "lead@example.com"), Single<KeyUnblocked>(UpdateKey.Decide(Update() with { Blocked = false }, blocked, Later)));
        Assert.Empty(UpdateKey.Decide(Update() with { Blocked = false }, Limited, Later).Events);
    }

    [Fact]
    public void an_unknown_key_is_not_found()
    {
        Rejected(UpdateKey.Decide(Update() with { MaxBudget = new(1m) }, null, Later), RejectionKind.NotFound, "key");
    }

    [Fact]
    public void a_revoked_key_is_not_found()
    {
        var revoked = Limited.Apply(new KeyRevoked(KeyId, IssuedAt, Admin));

        Rejected(UpdateKey.Decide(Update() with { MaxBudget = new(1m) }, revoked, Later), RejectionKind.NotFound, "key");
    }

    static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;
}
