using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Api.Cli;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Audit;

/// <summary><c>audit</c> over real traffic: what was recorded, recomputed and projected, filters and formats.</summary>
public sealed class AuditTests(AuditTraffic traffic) : IClassFixture<AuditTraffic>
{
    static decimal Money(JsonElement e, string name) => e.GetProperty(name).GetDecimal();

    [Fact]
    public async Task recorded_recomputed_and_projected_agree_after_real_traffic()
    {
        var result = await traffic.Audit("--format", "json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var totals = result.Json().GetProperty("totals");
        Assert.Equal(traffic.Calls, totals.GetProperty("requests").GetInt64());
        Assert.Equal(traffic.TotalCost, Money(totals, "recorded_cost"));
        Assert.Equal(traffic.TotalCost, Money(totals, "recomputed_cost"));
        Assert.Equal(traffic.TotalCost, Money(totals, "projected_cost"));
        Assert.Equal(0m, Money(totals, "difference"));
        foreach (var row in result.Json().GetProperty("rows").EnumerateArray())
        {
            Assert.Equal(Money(row, "recorded_cost"), Money(row, "recomputed_cost"));
            Assert.Equal(Money(row, "recorded_cost"), Money(row, "projected_cost"));
        }
    }

    [Fact]
    public async Task rows_are_per_day_key_team_and_model_with_the_keys_alias()
    {
        var rows = (await traffic.Audit("--format", "json")).Json().GetProperty("rows").EnumerateArray().ToList();

        var billing = rows.Where(r => r.GetProperty("key_alias").GetString() == "billing").ToList();
        Assert.Equal(["broken", "gpt-4o", "mock-gpt"], billing.Select(r => r.GetProperty("model").GetString()).Order().ToArray());
        Assert.All(billing, r => Assert.Equal("finance", r.GetProperty("team").GetString()));
        Assert.All(billing, r => Assert.Equal(traffic.Today, r.GetProperty("day").GetString()));
        Assert.Equal(2, billing.Single(r => r.GetProperty("model").GetString() == "gpt-4o").GetProperty("requests").GetInt64());
        Assert.Equal(2 * 12, billing.Single(r => r.GetProperty("model").GetString() == "gpt-4o").GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(2 * 7, billing.Single(r => r.GetProperty("model").GetString() == "gpt-4o").GetProperty("completion_tokens").GetInt64());
        var master = Assert.Single(rows, r => r.GetProperty("key").GetString() == GatewayTestHost.MasterKeyHash);
        Assert.Equal(JsonValueKind.Null, master.GetProperty("key_alias").ValueKind);
        Assert.Equal(JsonValueKind.Null, master.GetProperty("team").ValueKind);
    }

    [Fact]
    public async Task the_json_has_exactly_the_fields_the_issue_names()
    {
        var json = (await traffic.Audit("--format", "json")).Json();

        Assert.Equal(["totals", "rows"], json.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["requests", "recorded_cost", "recomputed_cost", "projected_cost", "difference"],
            json.GetProperty("totals").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.All(json.GetProperty("rows").EnumerateArray(), row => Assert.Equal(
            ["day", "key", "key_alias", "team", "model", "requests", "prompt_tokens", "completion_tokens", "recorded_cost", "recomputed_cost", "projected_cost"],
            row.EnumerateObject().Select(p => p.Name).ToArray()));
        Assert.NotEmpty(json.GetProperty("rows").EnumerateArray());
    }

    [Fact]
    public async Task csv_has_the_header_and_a_line_per_row()
    {
        var csv = await traffic.Audit("--format", "csv");
        var rows = (await traffic.Audit("--format", "json")).Json().GetProperty("rows").GetArrayLength();

        Assert.Equal(ExitCodes.Ok, csv.ExitCode);
        var lines = csv.Output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("day,key,key_alias,team,model,requests,prompt_tokens,completion_tokens,recorded_cost,recomputed_cost,projected_cost", lines[0]);
        Assert.Equal(rows, lines.Length - 1);
        var sum = lines.Skip(1).Sum(line => decimal.Parse(line.Split(',')[8], CultureInfo.InvariantCulture));
        Assert.Equal(traffic.TotalCost, sum);
        Assert.Contains(lines, line => line.Contains(",billing,finance,gpt-4o,2,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task the_table_is_the_default_and_ends_with_the_totals()
    {
        var table = await traffic.Audit();

        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.StartsWith("day ", table.Output, StringComparison.Ordinal);
        var total = table.Output.Split('\n').Single(line => line.StartsWith("total", StringComparison.Ordinal));
        Assert.EndsWith(Gateway.Domain.Audit.AuditReportFormats.Money(traffic.TotalCost), total.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_sheet_with_doubled_prices_doubles_the_recomputed_cost_exactly()
    {
        var exported = await traffic.Cli("prices", "export");
        Assert.Equal(ExitCodes.Ok, exported.ExitCode);
        var sheet = JsonNode.Parse(exported.Output)!.AsObject();
        foreach (var (_, entry) in sheet)
        {
            foreach (var field in entry!.AsObject().Where(f => f.Key.Contains("cost", StringComparison.Ordinal)).ToList())
                entry[field.Key] = JsonValue.Create(field.Value!.GetValue<decimal>() * 2);
        }
        var path = Path.Combine(Path.GetTempPath(), $"doubled-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, sheet.ToJsonString(), TestContext.Current.CancellationToken);

        var result = await traffic.Audit("--format", "json", "--prices", path);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var totals = result.Json().GetProperty("totals");
        Assert.Equal(traffic.TotalCost, Money(totals, "recorded_cost"));
        Assert.Equal(traffic.TotalCost * 2, Money(totals, "recomputed_cost"));
        Assert.Equal(traffic.TotalCost, Money(totals, "difference"));
        Assert.Equal(traffic.TotalCost, Money(totals, "projected_cost"));
        Assert.Contains("recomputed with", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_team_filter_keeps_the_teams_calls_only()
    {
        var json = (await traffic.Audit("--format", "json", "--team", "finance")).Json();

        Assert.Equal(traffic.TeamKeyCost, Money(json.GetProperty("totals"), "recorded_cost"));
        Assert.Equal(traffic.TeamKeyCost, Money(json.GetProperty("totals"), "projected_cost"));
        Assert.All(json.GetProperty("rows").EnumerateArray(), r => Assert.Equal("finance", r.GetProperty("team").GetString()));
    }

    [Fact]
    public async Task a_key_filter_takes_the_plaintext_key_or_its_alias_alike()
    {
        var byKey = (await traffic.Audit("--format", "json", "--key", traffic.OtherKey)).Json();
        var byAlias = (await traffic.Audit("--format", "json", "--key", "ops")).Json();

        Assert.Equal(traffic.OtherKeyCost, Money(byKey.GetProperty("totals"), "recorded_cost"));
        Assert.Equal(byKey.ToString(), byAlias.ToString());
        Assert.All(byAlias.GetProperty("rows").EnumerateArray(), r => Assert.Equal("ops", r.GetProperty("key_alias").GetString()));
    }

    [Fact]
    public async Task an_unknown_team_or_key_is_an_error_not_zero_spend()
    {
        var team = await traffic.Audit("--team", "no-such-team");
        var key = await traffic.Audit("--key", "sk-not-a-key-of-ours");
        var alias = await traffic.Audit("--key", "no-such-alias");

        Assert.Equal(ExitCodes.NotFound, team.ExitCode);
        Assert.Contains("no team 'no-such-team'", team.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, key.ExitCode);
        Assert.DoesNotContain("sk-not-a-key-of-ours", key.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, alias.ExitCode);
        Assert.Empty(team.Output + key.Output + alias.Output);
    }

    [Theory]
    [InlineData(new[] { "--from", "2025-10-01" }, "--to YYYY-MM-DD is required")]
    [InlineData(new[] { "--from", "2025-10-01", "--to", "2025-10-32" }, "--to '2025-10-32' is not a date")]
    [InlineData(new[] { "--from", "01/10/2025", "--to", "2025-10-31" }, "--from '01/10/2025' is not a date")]
    [InlineData(new[] { "--from", "2025-10-31", "--to", "2025-10-01" }, "is before --from")]
    [InlineData(new[] { "--from", "2025-10-01", "--to", "2025-10-31", "--format", "xml" }, "--format must be json, csv or table")]
    [InlineData(new[] { "--from", "2025-10-01", "--to", "2025-10-31", "--tema", "x" }, "unknown option --tema")]
    public async Task bad_arguments_exit_with_a_usage_error(string[] args, string message)
    {
        var result = await traffic.Cli(["audit", .. args]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unreadable_or_invalid_price_file_is_its_own_error()
    {
        var missing = await traffic.Audit("--prices", "/nonexistent/prices.json");
        var invalid = Path.Combine(Path.GetTempPath(), $"invalid-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(invalid, """{"gpt-4o": {"input_cost_per_token": "cheap"}}""", TestContext.Current.CancellationToken);
        var wrong = await traffic.Audit("--prices", invalid);

        Assert.Equal(ExitCodes.PriceFile, missing.ExitCode);
        Assert.Contains("cannot read the price file '/nonexistent/prices.json'", missing.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.PriceFile, wrong.ExitCode);
        Assert.Contains("input_cost_per_token", wrong.Error, StringComparison.Ordinal);
    }
}
