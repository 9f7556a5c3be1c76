using System.Globalization;
using System.Text;
using Gateway.Portal.Features.Spend;

namespace Gateway.Portal.Features.Usage;

/// <summary>
/// The usage page's data as CSV: one line per UTC day and model, key or team that had calls, with spend and tokens.
/// Amounts are plain invariant numbers (a spreadsheet's own format, not "$1.50").
/// </summary>
public static class UsageCsv
{
    public static string Write(UsageReport report, UsageGrouping by)
    {
        var csv = new StringBuilder();
        csv.Append("date,").Append(Column(by)).Append(",spend_usd,requests,prompt_tokens,completion_tokens\n");
        foreach (var day in report.Days)
        {
            foreach (var (name, amount) in day.By(by).OrderByDescending(a => a.Value.Spend).ThenBy(a => a.Key, StringComparer.Ordinal))
            {
                csv.Append(day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                    .Append(Field(name)).Append(',')
                    .Append(amount.Spend.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(amount.Requests.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(amount.PromptTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(amount.CompletionTokens.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return csv.ToString();
    }

    public static string Column(UsageGrouping by) => by switch
    {
        UsageGrouping.Key => "key",
        UsageGrouping.Team => "team",
        _ => "model",
    };

    /// <summary>
    /// Quoted when it holds a comma, quote or line break (RFC 4180). Names are chosen by users (key aliases, team ids),
    /// so one that a spreadsheet would run as a formula is prefixed with an apostrophe (OWASP's CSV injection advice).
    /// </summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
