using Gateway.Domain.Spend;
using static Gateway.Domain.Tests.Spend.SpendExamples;

namespace Gateway.Domain.Tests.Spend;

public class DailySpendProjectionTests
{
    readonly DailySpendProjection _projection = new();

    [Fact]
    public void calls_of_one_day_and_owner_share_a_row_and_add_up()
    {
        var first = Served(cost: 0.25m);
        var second = Served(cost: 0.5m, status: 499, startedAt: Started.AddHours(9));
        var failed = Refused(cost: 0.125m);
        Assert.Equal(DailySpend.IdOf(first), DailySpend.IdOf(second));

        var day = new DailySpend();
        _projection.Apply(first, day);
        _projection.Apply(second, day);

        Assert.Equal(new DateOnly(2025, 5, 10), day.Date);
        Assert.Equal(("hash-a", "gpt-4o", "gpt-4o-2024-08-06", "azure"), (day.KeyHash, day.ModelGroup, day.Model, day.Provider));
        Assert.Equal(("team-1", "alice", "acme"), (day.TeamId, day.UserId, day.EndUser));
        Assert.Equal(0.75m, day.Spend);
        Assert.Equal((240, 60, 300), (day.PromptTokens, day.CompletionTokens, day.TotalTokens));
        Assert.Equal((80, 10, 16), (day.CachedTokens, day.CacheCreationTokens, day.ReasoningTokens));
        Assert.Equal((2, 1, 1), (day.ApiRequests, day.SuccessfulRequests, day.FailedRequests));
        Assert.Equal(3000, day.TotalLatencyMs);

        var failures = new DailySpend();
        _projection.Apply(failed, failures);
        Assert.Equal(0.125m, failures.Spend);
        Assert.Equal((1, 0, 1), (failures.ApiRequests, failures.SuccessfulRequests, failures.FailedRequests));
        Assert.Equal("", failures.Model);
    }

    [Fact]
    public void a_failed_call_counts_apart_from_served_ones_because_it_has_no_upstream_model()
    {
        Assert.NotEqual(DailySpend.IdOf(Served()), DailySpend.IdOf(Refused()));
    }

    [Fact]
    public void any_other_day_or_owner_is_another_row()
    {
        var ids = new[]
        {
            DailySpend.IdOf(Served()),
            DailySpend.IdOf(Served(startedAt: Started.AddDays(1))),
            DailySpend.IdOf(Served(key: "hash-b")),
            DailySpend.IdOf(Served(team: null)),
            DailySpend.IdOf(Served(user: "bob")),
            DailySpend.IdOf(Served(customer: null)),
            DailySpend.IdOf(Served(group: "claude")),
        };
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void the_day_is_the_utc_day_the_call_started()
    {
        var lateInNewYork = new DateTimeOffset(2025, 5, 10, 22, 0, 0, TimeSpan.FromHours(-4));
        var day = new DailySpend();
        _projection.Apply(Served(startedAt: lateInNewYork), day);
        Assert.Equal(new DateOnly(2025, 5, 11), day.Date);
    }

    [Fact]
    public void ids_whose_parts_contain_the_separator_cannot_collide()
    {
        var date = new DateOnly(2025, 1, 1);
        var a = DailySpend.IdFor(date, "k|x", "g", null, null, null, null, null);
        var b = DailySpend.IdFor(date, "k", "x|g", null, null, null, null, null);
        var c = DailySpend.IdFor(date, "k\\", "|g", null, null, null, null, null);
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
    }
}
