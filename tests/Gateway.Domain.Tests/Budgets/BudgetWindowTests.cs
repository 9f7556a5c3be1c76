using Gateway.Domain.Budgets;

namespace Gateway.Domain.Tests.Budgets;

public class BudgetWindowTests
{
    static readonly DateTimeOffset Anchor = new(2026, 1, 31, 10, 0, 0, TimeSpan.Zero);

    static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void the_first_window_starts_at_the_anchor()
    {
        var window = BudgetWindow.Current(Anchor, BudgetDuration.Parse("1d"), Anchor.AddHours(5));

        Assert.Equal(new BudgetWindow(Anchor, Anchor.AddDays(1)), window);
    }

    [Fact]
    public void the_window_end_is_exclusive()
    {
        var window = BudgetWindow.Current(Anchor, BudgetDuration.Parse("1d"), Anchor.AddDays(1));

        Assert.Equal(Anchor.AddDays(1), window.Start);
        Assert.Equal(Anchor.AddDays(2), window.End);
    }

    [Fact]
    public void a_year_of_thirty_second_windows_rolls_forward_to_the_one_containing_now()
    {
        var now = Anchor.AddDays(365).AddSeconds(45);

        var window = BudgetWindow.Current(Anchor, BudgetDuration.Parse("30s"), now);

        Assert.Equal(Anchor.AddDays(365).AddSeconds(30), window.Start);
        Assert.Equal(Anchor.AddDays(365).AddSeconds(60), window.End);
        Assert.True(window.Contains(now));
    }

    [Fact]
    public void monthly_windows_from_january_31_end_on_each_months_last_day_without_drifting()
    {
        var duration = BudgetDuration.Parse("1mo");

        Assert.Equal(new BudgetWindow(Anchor, Utc(2026, 2, 28, 10)), BudgetWindow.Current(Anchor, duration, Utc(2026, 2, 15)));
        Assert.Equal(new BudgetWindow(Utc(2026, 2, 28, 10), Utc(2026, 3, 31, 10)), BudgetWindow.Current(Anchor, duration, Utc(2026, 3, 1)));
        Assert.Equal(new BudgetWindow(Utc(2026, 3, 31, 10), Utc(2026, 4, 30, 10)), BudgetWindow.Current(Anchor, duration, Utc(2026, 4, 30, 9, 59, 59)));
        Assert.Equal(new BudgetWindow(Utc(2026, 4, 30, 10), Utc(2026, 5, 31, 10)), BudgetWindow.Current(Anchor, duration, Utc(2026, 4, 30, 10)));
    }

    [Fact]
    public void monthly_windows_meet_february_29_in_a_leap_year()
    {
        var window = BudgetWindow.Current(Anchor, BudgetDuration.Parse("1mo"), Utc(2028, 2, 29, 12));

        Assert.Equal(new BudgetWindow(Utc(2028, 2, 29, 10), Utc(2028, 3, 31, 10)), window);
    }

    [Fact]
    public void two_month_windows_count_from_the_anchor()
    {
        var window = BudgetWindow.Current(Anchor, BudgetDuration.Parse("2mo"), Utc(2026, 5, 1));

        Assert.Equal(new BudgetWindow(Utc(2026, 3, 31, 10), Utc(2026, 5, 31, 10)), window);
    }

    [Fact]
    public void monthly_windows_are_counted_in_the_anchors_offset()
    {
        var anchor = new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.FromHours(2));
        // 22:45 UTC on Jan 31 is already Feb 1 in the anchor's offset, and past the first window's end.
        var now = new DateTimeOffset(2026, 1, 31, 22, 45, 0, TimeSpan.Zero);

        var window = BudgetWindow.Current(anchor, BudgetDuration.Parse("1mo"), now);

        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 30, 0, TimeSpan.FromHours(2)), window.Start);
    }

    [Fact]
    public void before_the_anchor_the_windows_extend_backwards()
    {
        var window = BudgetWindow.Current(Anchor, BudgetDuration.Parse("1h"), Anchor.AddMinutes(-1));

        Assert.Equal(new BudgetWindow(Anchor.AddHours(-1), Anchor), window);
    }

    [Fact]
    public void a_window_is_reset_exactly_when_its_duration_has_passed()
    {
        var duration = BudgetDuration.Parse("30m");

        Assert.False(BudgetWindow.IsReset(Anchor, duration, Anchor.AddMinutes(30).AddTicks(-1)));
        Assert.True(BudgetWindow.IsReset(Anchor, duration, Anchor.AddMinutes(30)));
    }

    [Fact]
    public void a_monthly_window_from_january_31_resets_on_february_28()
    {
        var duration = BudgetDuration.Parse("1mo");

        Assert.False(BudgetWindow.IsReset(Anchor, duration, Utc(2026, 2, 28, 9, 59, 59)));
        Assert.True(BudgetWindow.IsReset(Anchor, duration, Utc(2026, 2, 28, 10)));
    }
}
