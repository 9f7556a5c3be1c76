using System.Text.Json;
using Gateway.Domain.Audit;

namespace Gateway.Domain.Tests.Audit;

public class AuditReportFormatsTests
{
    static readonly AuditQuery October = new(new DateOnly(2025, 10, 1), new DateOnly(2025, 10, 31));

    static AuditReport Report(params AuditRow[] rows) => new(October,
        new AuditTotals(rows.Sum(r => r.Requests), rows.Sum(r => r.RecordedCost), rows.Sum(r => r.RecomputedCost), rows.Sum(r => r.ProjectedCost)),
        rows, 0, [], null, 0, []);

    static AuditRow Row(string? alias = "billing", string? team = "finance", decimal recorded = 0.000450000m, decimal recomputed = 0.0009m) =>
        new(new DateOnly(2025, 10, 2), "ab12", alias, team, "gpt-4o", 3, 1200, 300, recorded, recomputed, recorded);

    [Fact]
    public void json_writes_money_exactly_without_trailing_zeros_and_missing_values_as_null()
    {
        var json = JsonDocument.Parse(AuditReportFormats.Json(Report(Row(alias: null, team: null)))).RootElement;

        var row = json.GetProperty("rows")[0];
        Assert.Equal("0.00045", row.GetProperty("recorded_cost").GetRawText());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("key_alias").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("team").ValueKind);
        Assert.Equal("2025-10-02", row.GetProperty("day").GetString());
        Assert.Equal("0.00045", json.GetProperty("totals").GetProperty("difference").GetRawText());
    }

    [Fact]
    public void csv_quotes_fields_holding_commas_or_quotes_and_leaves_missing_ones_empty()
    {
        var csv = AuditReportFormats.Csv(Report(Row(alias: "ops, \"night\" shift", team: null)));

        Assert.Equal(
            AuditReportFormats.CsvHeader + "\r\n" + "2025-10-02,ab12,\"ops, \"\"night\"\" shift\",,gpt-4o,3,1200,300,0.00045,0.0009,0.00045\r\n",
            csv);
    }

    [Fact]
    public void the_table_marks_rows_whose_projection_disagrees()
    {
        var broken = Row() with { ProjectedCost = 1m };

        var table = AuditReportFormats.Table(Report(Row(), broken));

        Assert.Single(table.Split('\n'), line => line.EndsWith(" !", StringComparison.Ordinal));
        Assert.Contains("difference (recomputed - recorded): 0.0009", table, StringComparison.Ordinal);
    }
}
