using Gateway.Portal.Features.Spend;
using Gateway.Portal.Features.Usage;

namespace Gateway.Portal.Tests.Features.Usage;

public sealed class UsageCsvTests
{
    static readonly DateOnly Day = new(2026, 11, 20);

    static UsageReport OneDay(string name, UsageAmount amount) => new(Day, Day, amount.Spend, amount.Requests,
        [new UsageDay(Day, new Dictionary<string, UsageAmount> { ["gpt-4o"] = amount },
            new Dictionary<string, UsageAmount> { [name] = amount }, new Dictionary<string, UsageAmount> { ["search"] = amount })],
        [], [], []);

    [Fact]
    public void one_line_per_day_and_name_with_spend_and_tokens_in_plain_numbers()
    {
        var report = new UsageReport(Day.AddDays(-1), Day, 3.5m, 5,
            [
                new UsageDay(Day.AddDays(-1), new Dictionary<string, UsageAmount>(), new Dictionary<string, UsageAmount>(), new Dictionary<string, UsageAmount>()),
                new UsageDay(Day, new Dictionary<string, UsageAmount>(), new Dictionary<string, UsageAmount>(),
                    new Dictionary<string, UsageAmount> { ["ads"] = new(0.000014m, 1, 12, 8), ["search"] = new(3.499986m, 4, 4000, 1000) }),
            ], [], [], []);

        var csv = UsageCsv.Write(report, UsageGrouping.Team);

        Assert.Equal(
            "date,team,spend_usd,requests,prompt_tokens,completion_tokens\n"
            + "2026-11-20,search,3.499986,4,4000,1000\n"
            + "2026-11-20,ads,0.000014,1,12,8\n",
            csv);
    }

    [Fact]
    public void names_with_commas_or_quotes_are_quoted()
    {
        var csv = UsageCsv.Write(OneDay("bot, \"the\" second", new UsageAmount(1m, 1, 1, 1)), UsageGrouping.Key);

        Assert.Contains("\n2026-11-20,\"bot, \"\"the\"\" second\",1,1,1,1\n", csv);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    public void a_name_a_spreadsheet_would_run_as_a_formula_is_defused(string name, string written)
    {
        var csv = UsageCsv.Write(OneDay(name, new UsageAmount(1m, 1, 1, 1)), UsageGrouping.Key);

        Assert.Contains($"\n2026-11-20,{written},1,1,1,1\n", csv);
    }
}
