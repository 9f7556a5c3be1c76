using Gateway.Domain.Audit;
using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;

namespace Gateway.Domain.Tests.Audit;

public class AuditLedgerTests
{
    static readonly DateTimeOffset October1 = new(2025, 10, 1, 9, 0, 0, TimeSpan.Zero);
    static readonly AuditQuery October = new(new DateOnly(2025, 10, 1), new DateOnly(2025, 10, 31));
    static readonly ModelPrice GptPrices = new() { InputCostPerToken = 0.0000025m, OutputCostPerToken = 0.00001m, CacheReadInputTokenCost = 0.00000125m };

    /// <summary>A call priced the way the gateway prices it: its recorded cost is the calculator's answer for its tokens and prices.</summary>
    static RequestCompleted Call(DateTimeOffset startedAt, string key = "hash-a", string? team = "team-1", string group = "gpt-4o",
        int prompt = 1_000, int completion = 200, int cached = 0, ModelPrice? prices = null, string provider = "openai", string model = "gpt-4o",
        string deployment = "dep-1")
    {
        prices ??= GptPrices;
        var cost = CostCalculator.Compute(new TokenUsage(prompt, completion, cached), prices);
        return new RequestCompleted(Guid.CreateVersion7(), startedAt, startedAt.AddSeconds(1), CallTypes.ChatCompletion, key, team, "alice",
            null, group, deployment, provider, model, null, prompt, completion, cached, 0, 0, cost, prices, "sheet-1", 1000, null, false, 200, false);
    }

    [Fact]
    public void recomputing_with_the_recorded_prices_gives_back_the_recorded_cost_to_the_last_decimal()
    {
        var ledger = new AuditLedger();
        RequestCompleted[] calls =
        [
            Call(October1, prompt: 1_234, completion: 567, cached: 89),
            Call(October1.AddHours(2), prompt: 7, completion: 3),
            Call(October1.AddDays(1), key: "hash-b", prompt: 100_000, completion: 1),
        ];
        foreach (var call in calls)
            ledger.Record(call);

        var report = ledger.Report(October, _ => null);

        Assert.Equal(calls.Sum(c => c.Cost), report.Totals.RecordedCost);
        Assert.Equal(report.Totals.RecordedCost, report.Totals.RecomputedCost);
        Assert.Equal(0m, report.Totals.Difference);
        Assert.Equal(3, report.Totals.Requests);
        Assert.All(report.Rows, row => Assert.Equal(row.RecordedCost, row.RecomputedCost));
    }

    [Fact]
    public void rows_are_per_day_key_team_and_model_group_with_tokens_summed()
    {
        var ledger = new AuditLedger();
        ledger.Record(Call(October1, prompt: 10, completion: 1));
        ledger.Record(Call(October1.AddHours(5), prompt: 20, completion: 2));
        ledger.Record(Call(October1.AddHours(5), group: "claude", prompt: 30, completion: 3));
        ledger.Record(Call(October1.AddDays(1), prompt: 40, completion: 4));
        ledger.Record(Call(October1, key: "hash-b", team: null, prompt: 50, completion: 5));

        var rows = ledger.Report(October, hash => hash == "hash-a" ? "billing-app" : null).Rows;

        Assert.Equal(
            [
                (new DateOnly(2025, 10, 1), "hash-a", "billing-app", "team-1", "claude", 1L, 30L, 3L),
                (new DateOnly(2025, 10, 1), "hash-a", "billing-app", "team-1", "gpt-4o", 2L, 30L, 3L),
                (new DateOnly(2025, 10, 1), "hash-b", null, null, "gpt-4o", 1L, 50L, 5L),
                (new DateOnly(2025, 10, 2), "hash-a", "billing-app", "team-1", "gpt-4o", 1L, 40L, 4L),
            ],
            rows.Select(r => (r.Day, r.Key, r.KeyAlias, r.Team, r.Model, r.Requests, r.PromptTokens, r.CompletionTokens)).ToList());
    }

    [Fact]
    public void a_sheet_with_doubled_prices_doubles_the_recomputed_cost_exactly()
    {
        var doubled = PriceSheet.From([new("gpt-4o", new ModelPrice
        {
            InputCostPerToken = GptPrices.InputCostPerToken * 2,
            OutputCostPerToken = GptPrices.OutputCostPerToken * 2,
            CacheReadInputTokenCost = GptPrices.CacheReadInputTokenCost * 2,
        })]);
        var ledger = new AuditLedger(new Repricing(doubled));
        ledger.Record(Call(October1, prompt: 1_234, completion: 567, cached: 89));
        ledger.Record(Call(October1.AddHours(1), prompt: 3, completion: 1_000));

        var report = ledger.Report(October, _ => null);

        Assert.True(report.Totals.RecordedCost > 0);
        Assert.Equal(report.Totals.RecordedCost * 2, report.Totals.RecomputedCost);
        Assert.Equal(report.Totals.RecordedCost, report.Totals.Difference);
        Assert.Equal(doubled.Version, report.PriceSheetVersion);
        Assert.Equal(0, report.KeptRecordedPrices);
    }

    [Fact]
    public void a_deployment_price_from_the_host_wins_over_the_model_name()
    {
        var sheet = PriceSheet.From([new("gpt-4o", new ModelPrice { InputCostPerToken = 1m, OutputCostPerToken = 1m })]);
        var byDeployment = new Dictionary<string, ModelPrice> { ["dep-eu"] = new() { InputCostPerToken = 0.5m, OutputCostPerToken = 0m } };
        var ledger = new AuditLedger(new Repricing(sheet, byDeployment));
        ledger.Record(Call(October1, deployment: "dep-eu", prompt: 10, completion: 10));
        ledger.Record(Call(October1, deployment: "dep-us", prompt: 10, completion: 10));

        Assert.Equal(5m + 20m, ledger.Report(October, _ => null).Totals.RecomputedCost);
    }

    [Fact]
    public void calls_of_models_the_sheet_lacks_keep_their_recorded_prices_and_are_named()
    {
        var sheet = PriceSheet.From([new("gpt-4o", GptPrices with { InputCostPerToken = 0m, OutputCostPerToken = 0m, CacheReadInputTokenCost = 0m })]);
        var ledger = new AuditLedger(new Repricing(sheet));
        var unpriced = Call(October1, group: "local-llama", provider: "hosted_vllm", model: "llama-3");
        ledger.Record(unpriced);
        ledger.Record(Call(October1));

        var report = ledger.Report(October, _ => null);

        Assert.Equal(unpriced.Cost, report.Totals.RecomputedCost);
        Assert.Equal(1, report.KeptRecordedPrices);
        Assert.Equal(["local-llama"], report.ModelsNotInSheet);
    }

    [Fact]
    public void a_projection_that_holds_less_than_the_events_is_a_disagreement_on_that_row_only()
    {
        var ledger = new AuditLedger();
        var a = Call(October1);
        var b = Call(October1, group: "claude");
        ledger.Record(a);
        ledger.Record(b);
        ledger.Projected(new DailySpend { Date = new DateOnly(2025, 10, 1), KeyHash = "hash-a", TeamId = "team-1", ModelGroup = "gpt-4o", Spend = a.Cost });
        ledger.Projected(new DailySpend { Date = new DateOnly(2025, 10, 1), KeyHash = "hash-a", TeamId = "team-1", ModelGroup = "claude", Spend = b.Cost - 0.000001m });

        var report = ledger.Report(October, _ => null);

        Assert.False(report.ProjectionsAgree);
        Assert.Equal("claude", Assert.Single(report.Disagreements).Model);
    }

    [Fact]
    public void projection_rows_for_calls_that_do_not_exist_are_reported()
    {
        var ledger = new AuditLedger();
        ledger.Projected(new DailySpend { Date = new DateOnly(2025, 10, 3), KeyHash = "ghost", ModelGroup = "gpt-4o", Spend = 1m });

        var row = Assert.Single(ledger.Report(October, _ => null).Rows);

        Assert.Equal((0L, 0m, 1m), (row.Requests, row.RecordedCost, row.ProjectedCost));
        Assert.False(row.ProjectionAgrees);
    }

    [Fact]
    public void calls_the_daemon_has_not_reached_count_as_projected_and_are_counted()
    {
        var ledger = new AuditLedger();
        var projected = Call(October1);
        var late = Call(October1.AddHours(1));
        ledger.Record(projected);
        ledger.Record(late);
        ledger.Projected(new DailySpend { Date = new DateOnly(2025, 10, 1), KeyHash = "hash-a", TeamId = "team-1", ModelGroup = "gpt-4o", Spend = projected.Cost });
        ledger.NotYetProjected(late.StartedAt, late.KeyHash, late.TeamId, late.ModelGroup, late.Cost);

        var report = ledger.Report(October, _ => null);

        Assert.True(report.ProjectionsAgree);
        Assert.Equal(1, report.NotYetProjected);
        Assert.Equal(report.Totals.RecordedCost, report.Totals.ProjectedCost);
    }

    [Fact]
    public void failed_calls_count_as_requests_and_keep_their_charge()
    {
        var ledger = new AuditLedger(new Repricing(PriceSheet.Empty));
        var failed = new RequestFailed(Guid.CreateVersion7(), October1, October1.AddSeconds(1), CallTypes.ChatCompletion, "hash-a", "team-1",
            null, null, "gpt-4o", "dep-1", "openai", 502, "api_connection_error", "gone", 1000, true, 10, 4, 0.0003m);
        ledger.Record(failed);

        var report = ledger.Report(October, _ => null);

        Assert.Equal((1L, 0.0003m, 0.0003m), (report.Totals.Requests, report.Totals.RecordedCost, report.Totals.RecomputedCost));
        Assert.Equal(1, report.KeptRecordedPrices);
    }

    [Fact]
    public void the_period_covers_whole_utc_days_and_the_scope()
    {
        var query = October with { TeamId = "team-1", KeyHashes = ["hash-a"] };

        Assert.True(query.Covers(new DateTimeOffset(2025, 10, 1, 0, 0, 0, TimeSpan.Zero), "hash-a", "team-1"));
        Assert.True(query.Covers(new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1), "hash-a", "team-1"));
        Assert.False(query.Covers(new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero), "hash-a", "team-1"));
        Assert.False(query.Covers(new DateTimeOffset(2025, 10, 1, 1, 0, 0, TimeSpan.FromHours(2)), "hash-a", "team-1"));
        Assert.False(query.Covers(October1, "hash-b", "team-1"));
        Assert.False(query.Covers(October1, "hash-a", "team-2"));
        Assert.False(query.Covers(October1, null, "team-1"));
    }
}
