using Gateway.Domain.Budgets;
using Gateway.Domain.Keys;
using static Gateway.Domain.Tests.Keys.Given;

namespace Gateway.Domain.Tests.Keys;

public class VirtualKeyTests
{
    [Fact]
    public void issuing_creates_the_key_with_every_setting()
    {
        var key = Key(issued => issued with
        {
            KeyAlias = "svc",
            MaxBudget = 10m,
            BudgetDuration = "7d",
            RpmLimit = 60,
            Models = ["gpt-4o"],
            TeamId = "team-1",
            ModelMaxBudget = new Dictionary<string, ModelBudget> { ["gpt-4o"] = new(1m, "1d") },
        });

        Assert.Equal(KeyId, key.Id);
        Assert.Equal(Hash, key.KeyHash);
        Assert.Equal("sk-...abcd", key.KeyName);
        Assert.Equal("svc", key.KeyAlias);
        Assert.Equal(10m, key.MaxBudget);
        Assert.Equal("7d", key.BudgetDuration);
        Assert.Equal(IssuedAt, key.BudgetWindowAnchor);
        Assert.Equal(60, key.RpmLimit);
        Assert.Equal(["gpt-4o"], key.Models);
        Assert.Equal("team-1", key.TeamId);
        Assert.Equal(new ModelBudget(1m, "1d"), key.ModelMaxBudget["gpt-4o"]);
        Assert.Equal(IssuedAt, key.IssuedAt);
        Assert.Equal(Admin, key.IssuedBy);
        Assert.False(key.Blocked);
        Assert.False(key.Revoked);
    }

    [Fact]
    public void an_update_changes_only_the_fields_it_carries_and_clears_those_set_to_null()
    {
        var key = Key(issued => issued with { MaxBudget = 10m, RpmLimit = 60, KeyAlias = "svc" });

        var updated = key.Apply(new KeyUpdated(KeyId, Later, "lead") { MaxBudget = new(25m), KeyAlias = new(null) });

        Assert.Equal(25m, updated.MaxBudget);
        Assert.Null(updated.KeyAlias);
        Assert.Equal(60, updated.RpmLimit);
        Assert.Equal(Later, updated.UpdatedAt);
        Assert.Equal("lead", updated.UpdatedBy);
        Assert.Equal(10m, key.MaxBudget);
    }

    [Fact]
    public void a_new_budget_duration_starts_the_budget_windows_afresh()
    {
        var key = Key(issued => issued with { BudgetDuration = "1d" });

        var updated = key.Apply(new KeyUpdated(KeyId, Later, Admin) { BudgetDuration = new("1h") });
        var untouched = key.Apply(new KeyUpdated(KeyId, Later, Admin) { RpmLimit = new(5) });

        Assert.Equal(Later, updated.BudgetWindowAnchor);
        Assert.Equal(new BudgetWindow(Later, Later.AddHours(1)), updated.CurrentBudgetWindow(Later.AddMinutes(10)));
        Assert.Equal(IssuedAt, untouched.BudgetWindowAnchor);
    }

    [Fact]
    public void the_budget_window_rolls_with_time_and_is_absent_without_a_budget_duration()
    {
        var key = Key(issued => issued with { BudgetDuration = "1d" });

        Assert.Equal(new BudgetWindow(IssuedAt.AddDays(3), IssuedAt.AddDays(4)), key.CurrentBudgetWindow(IssuedAt.AddDays(3).AddHours(1)));
        Assert.Null(Key().CurrentBudgetWindow(Later));
    }

    [Fact]
    public void blocking_and_unblocking_fold_into_the_blocked_flag()
    {
        var blocked = Key().Apply(new KeyBlocked(KeyId, Later, "lead"));
        var unblocked = blocked.Apply(new KeyUnblocked(KeyId, Later.AddHours(1), Admin));

        Assert.True(blocked.Blocked);
        Assert.Equal("lead", blocked.UpdatedBy);
        Assert.False(unblocked.Blocked);
        Assert.Equal(Later.AddHours(1), unblocked.UpdatedAt);
    }

    [Fact]
    public void regenerating_swaps_the_secret_and_keeps_the_old_one_during_the_grace_period()
    {
        string newHash = KeyPlaintext.Hash("sk-new-secret-1234");
        var key = Key().Apply(new KeyRegenerated(KeyId, newHash, "sk-...1234", Hash, Later.AddHours(1), Later, Admin));

        Assert.Equal(newHash, key.KeyHash);
        Assert.Equal("sk-...1234", key.KeyName);
        Assert.True(key.MatchesSecret(newHash, Later.AddDays(10)));
        Assert.True(key.MatchesSecret(Hash, Later.AddMinutes(59)));
        Assert.False(key.MatchesSecret(Hash, Later.AddHours(1)));
    }

    [Fact]
    public void without_a_grace_period_the_old_secret_stops_at_once()
    {
        var key = Key().Apply(new KeyRegenerated(KeyId, KeyPlaintext.Hash("sk-new-secret-1234"), "sk-...1234", Hash, null, Later, Admin));

        Assert.False(key.MatchesSecret(Hash, Later));
    }

    [Fact]
    public void revoking_marks_the_key_revoked_with_who_and_when()
    {
        var key = Key().Apply(new KeyRevoked(KeyId, Later, "lead"));

        Assert.True(key.Revoked);
        Assert.Equal(Later, key.RevokedAt);
        Assert.Equal("lead", key.RevokedBy);
    }

    [Fact]
    public void a_fresh_key_without_expiry_is_active()
    {
        Assert.True(Key().IsActive(IssuedAt.AddYears(50)));
    }

    [Fact]
    public void a_key_is_active_until_the_instant_it_expires_and_not_at_it()
    {
        var expiresAt = IssuedAt.AddDays(30);
        var key = Key(issued => issued with { ExpiresAt = expiresAt });

        Assert.True(key.IsActive(expiresAt.AddTicks(-1)));
        Assert.False(key.IsActive(expiresAt));
        Assert.True(key.IsExpired(expiresAt));
        Assert.False(key.IsActive(expiresAt.AddTicks(1)));
    }

    [Fact]
    public void a_blocked_key_is_not_active()
    {
        Assert.False(Key().Apply(new KeyBlocked(KeyId, Later, Admin)).IsActive(Later));
    }

    [Fact]
    public void a_revoked_key_is_not_active()
    {
        Assert.False(Key().Apply(new KeyRevoked(KeyId, Later, Admin)).IsActive(Later));
    }

    [Fact]
    public void clearing_the_expiry_makes_an_expired_key_active_again()
    {
        var key = Key(issued => issued with { ExpiresAt = IssuedAt.AddMinutes(1) })
            .Apply(new KeyUpdated(KeyId, Later, Admin) { ExpiresAt = new(null) });

        Assert.True(key.IsActive(Later));
    }
}
