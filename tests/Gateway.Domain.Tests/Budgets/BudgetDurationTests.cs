using Gateway.Domain.Budgets;

namespace Gateway.Domain.Tests.Budgets;

public class BudgetDurationTests
{
    [Theory]
    [InlineData("30s", 30, BudgetDurationUnit.Second)]
    [InlineData("30m", 30, BudgetDurationUnit.Minute)]
    [InlineData("30h", 30, BudgetDurationUnit.Hour)]
    [InlineData("1d", 1, BudgetDurationUnit.Day)]
    [InlineData("7d", 7, BudgetDurationUnit.Day)]
    [InlineData("30d", 30, BudgetDurationUnit.Day)]
    [InlineData("1w", 1, BudgetDurationUnit.Week)]
    [InlineData("1mo", 1, BudgetDurationUnit.Month)]
    [InlineData("2mo", 2, BudgetDurationUnit.Month)]
    public void litellm_durations_parse_to_amount_and_unit(string text, int amount, BudgetDurationUnit unit)
    {
        Assert.True(BudgetDuration.TryParse(text, out var duration, out string? error));

        Assert.Null(error);
        Assert.Equal(amount, duration.Amount);
        Assert.Equal(unit, duration.Unit);
    }

    [Theory]
    [InlineData(" 30D ", "30d")]
    [InlineData("1MO", "1mo")]
    [InlineData("\t2Mo\n", "2mo")]
    [InlineData("1W", "1w")]
    public void parsing_ignores_case_and_surrounding_whitespace_and_gives_back_canonical_text(string text, string canonical)
    {
        Assert.Equal(canonical, BudgetDuration.Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("30")]
    [InlineData("d")]
    [InlineData("0d")]
    [InlineData("-1d")]
    [InlineData("1.5h")]
    [InlineData("1y")]
    [InlineData("1 d")]
    [InlineData("1month")]
    [InlineData("99999999999s")]
    [InlineData("10000mo")]
    [InlineData(null)]
    public void anything_else_fails_with_a_message_naming_the_accepted_forms(string? text)
    {
        Assert.False(BudgetDuration.TryParse(text, out _, out string? error));

        Assert.NotNull(error);
        Assert.Contains("\"1mo\"", error);
    }

    [Fact]
    public void parse_throws_a_format_exception_for_bad_text()
    {
        var exception = Assert.Throws<FormatException>(() => BudgetDuration.Parse("soon"));

        Assert.Contains("soon", exception.Message);
    }

    [Fact]
    public void fixed_units_add_exact_lengths()
    {
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(start.AddSeconds(30), BudgetDuration.Parse("30s").AddTo(start));
        Assert.Equal(start.AddMinutes(30), BudgetDuration.Parse("30m").AddTo(start));
        Assert.Equal(start.AddHours(30), BudgetDuration.Parse("30h").AddTo(start));
        Assert.Equal(start.AddDays(7), BudgetDuration.Parse("7d").AddTo(start));
        Assert.Equal(start.AddDays(14), BudgetDuration.Parse("2w").AddTo(start));
    }

    [Fact]
    public void a_month_from_january_31_is_the_last_day_of_february()
    {
        var jan31 = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.Zero), BudgetDuration.Parse("1mo").AddTo(jan31));
    }

    [Fact]
    public void a_month_from_january_31_in_a_leap_year_is_february_29()
    {
        var jan31 = new DateTimeOffset(2028, 1, 31, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2028, 2, 29, 0, 0, 0, TimeSpan.Zero), BudgetDuration.Parse("1mo").AddTo(jan31));
    }

    [Fact]
    public void months_have_no_fixed_length()
    {
        Assert.Null(BudgetDuration.Parse("1mo").FixedLength);
        Assert.Equal(TimeSpan.FromDays(7), BudgetDuration.Parse("1w").FixedLength);
    }
}
