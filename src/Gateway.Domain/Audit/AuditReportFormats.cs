using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Domain.Audit;

/// <summary>
/// An audit report as JSON, CSV or a table for people. Money is written exactly (decimal, invariant culture, no
/// trailing zeros), so a figure can be checked to the last decimal. Shared by the CLI and the portal's download.
/// </summary>
public static class AuditReportFormats
{
    /// <summary>The CSV header; the columns are the JSON row's fields, in order.</summary>
    public const string CsvHeader = "day,key,key_alias,team,model,requests,prompt_tokens,completion_tokens,recorded_cost,recomputed_cost,projected_cost";

    /// <summary>
    /// <c>{"totals": {"requests", "recorded_cost", "recomputed_cost", "projected_cost", "difference"}, "rows": [{"day",
    /// "key", "key_alias", "team", "model", "requests", "prompt_tokens", "completion_tokens", "recorded_cost",
    /// "recomputed_cost", "projected_cost"}]}</c>; a missing key, alias or team is null.
    /// </summary>
    public static string Json(AuditReport report, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(report);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("totals");
            json.WriteNumber("requests", report.Totals.Requests);
            json.WriteNumber("recorded_cost", Exact(report.Totals.RecordedCost));
            json.WriteNumber("recomputed_cost", Exact(report.Totals.RecomputedCost));
            json.WriteNumber("projected_cost", Exact(report.Totals.ProjectedCost));
            json.WriteNumber("difference", Exact(report.Totals.Difference));
            json.WriteEndObject();
            json.WriteStartArray("rows");
            foreach (var row in report.Rows)
            {
                json.WriteStartObject();
                json.WriteString("day", Day(row.Day));
                json.WriteString("key", row.Key);
                json.WriteString("key_alias", row.KeyAlias);
                json.WriteString("team", row.Team);
                json.WriteString("model", row.Model);
                json.WriteNumber("requests", row.Requests);
                json.WriteNumber("prompt_tokens", row.PromptTokens);
                json.WriteNumber("completion_tokens", row.CompletionTokens);
                json.WriteNumber("recorded_cost", Exact(row.RecordedCost));
                json.WriteNumber("recomputed_cost", Exact(row.RecomputedCost));
                json.WriteNumber("projected_cost", Exact(row.ProjectedCost));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>RFC 4180: a header line, then one line per row; fields quoted when they hold a comma, quote or line break.</summary>
    public static string Csv(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder().Append(CsvHeader).Append("\r\n");
        foreach (var row in report.Rows)
        {
            csv.AppendJoin(',',
                Day(row.Day), Field(row.Key), Field(row.KeyAlias), Field(row.Team), Field(row.Model),
                Number(row.Requests), Number(row.PromptTokens), Number(row.CompletionTokens),
                Money(row.RecordedCost), Money(row.RecomputedCost), Money(row.ProjectedCost));
            csv.Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>Aligned columns with a totals line; a key shows as its alias, else the start of its hash.</summary>
    public static string Table(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string[] header = ["day", "key", "team", "model", "requests", "prompt", "completion", "recorded", "recomputed", "projected"];
        var lines = new List<string[]> { header };
        foreach (var row in report.Rows)
        {
            lines.Add([
                Day(row.Day), row.KeyAlias ?? Short(row.Key), row.Team ?? "-", row.Model.Length == 0 ? "-" : row.Model,
                Number(row.Requests), Number(row.PromptTokens), Number(row.CompletionTokens),
                Money(row.RecordedCost), Money(row.RecomputedCost), Money(row.ProjectedCost) + (row.ProjectionAgrees ? "" : " !"),
            ]);
        }
        var totals = report.Totals;
        lines.Add(["total", "", "", "", Number(totals.Requests), Number(report.Rows.Sum(r => r.PromptTokens)),
            Number(report.Rows.Sum(r => r.CompletionTokens)), Money(totals.RecordedCost), Money(totals.RecomputedCost), Money(totals.ProjectedCost)]);

        var widths = Enumerable.Range(0, header.Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var table = new StringBuilder();
        foreach (var line in lines)
        {
            for (var i = 0; i < line.Length; i++)
            {
                // Text left, numbers right.
                var cell = i < 4 ? line[i].PadRight(widths[i]) : line[i].PadLeft(widths[i]);
                table.Append(cell).Append(i < line.Length - 1 ? "  " : "");
            }
            table.Append('\n');
        }
        table.Append(CultureInfo.InvariantCulture, $"difference (recomputed - recorded): {Money(totals.Difference)}\n");
        return table.ToString();
    }

    /// <summary>The fewest digits that say the same amount: 0.00045 rather than 0.000450000.</summary>
    public static decimal Exact(decimal value) =>
        decimal.Parse(value.ToString("0.############################", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Money(decimal value) => Exact(value).ToString(CultureInfo.InvariantCulture);

    static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string Short(string? hash) => hash is null ? "-" : hash.Length > 12 ? hash[..12] + "…" : hash;

    static string Field(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        return text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
