using Gateway.Portal.Components.Display;

namespace Gateway.Portal.Tests.Components.Display;

public sealed class SpendScaleTests
{
    [Theory]
    [InlineData(120.0, 1, "USD", 50)]
    [InlineData(7.0, 1, "USD", 2)]
    [InlineData(0.35, 100, "US cents", 10)]
    [InlineData(0.000014, 100_000_000, "millionths of a cent", 500)]
    [InlineData(0.0, 100_000_000, "millionths of a cent", 1)]
    public void charts_use_the_largest_unit_that_shows_the_peak_above_whole_ticks(double peak, double factor, string unit, int ticks)
    {
        var scale = SpendScale.For(peak);

        Assert.Equal(factor, scale.Factor);
        Assert.Equal(unit, scale.Unit);
        Assert.Equal(ticks, scale.Ticks);
    }

    [Theory]
    [InlineData(0.0, "$0.00")]
    [InlineData(1234.5, "$1,234.50")]
    [InlineData(0.000014, "$0.000014")]
    public void money_shows_cents_and_more_digits_only_for_tiny_amounts(double amount, string shown)
    {
        Assert.Equal(shown, Money.Format((decimal)amount));
    }
}
