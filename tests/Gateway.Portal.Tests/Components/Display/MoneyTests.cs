using Gateway.Portal.Components.Display;

namespace Gateway.Portal.Tests.Components.Display;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0", "$0.00")]
    [InlineData("1234.5", "$1,234.50")]
    [InlineData("0.000014", "$0.000014")]
    [InlineData("0.0000123456789012345678901234", "$0.0000123456789012345678901234")]
    [InlineData("1000000.0000000001", "$1,000,000.0000000001")]
    [InlineData("-0.00002", "-$0.00002")]
    public void exact_amounts_keep_every_digit(string amount, string shown) =>
        Assert.Equal(shown, Money.Exact(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void exact_is_not_the_rounded_format_people_read_elsewhere()
    {
        Assert.Equal("$0.000012", Money.Format(0.0000123456m));
        Assert.Equal("$0.0000123456", Money.Exact(0.0000123456m));
    }
}
