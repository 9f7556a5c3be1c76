using System.Globalization;
using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Keys;
using Marten.Events;

namespace Gateway.Api.Tests.Spend;

/// <summary>
/// Real calls through the proxy (the built-in mock model) by two keys of different owners, then the three spend
/// reports read back once the async daemon has caught up.
/// </summary>
public sealed class SpendReportTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    sealed record Call(string Key, string Id, decimal Cost, string? Customer, int Status);

    string _search = "";
    string _other = "";
    readonly List<Call> _calls = [];

    static string Hash(string key) => KeyPlaintext.Hash(key);

    static string Day(int offset) => DateTime.UtcNow.Date.AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    decimal Spent(Func<Call, bool> which) => _calls.Where(which).Sum(c => c.Cost);

    Task<JsonElement> Get(string url, int status = 200, string key = GatewayTestHost.MasterKey) => Send(s => s.Get.Url(url), status, key);

    async Task MakeCall(string key, string? customer, string model = "mock-gpt", int expected = 200)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new Dictionary<string, object?>
            {
                ["model"] = model,
                ["user"] = customer,
                ["messages"] = new[] { new { role = "user", content = $"call {_calls.Count} {new string('y', _calls.Count * 17)}" } },
            }).ToUrl("/v1/chat/completions");
            s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.StatusCodeShouldBe(expected);
        });
        var headers = result.Context.Response.Headers;
        var cost = expected == 200 ? decimal.Parse(headers["x-litellm-response-cost"]!, CultureInfo.InvariantCulture) : 0m;
        _calls.Add(new Call(key, headers["x-litellm-call-id"].ToString(), cost, customer, expected));
    }

    /// <summary>Team "search" (alias Search) owns a key of alice's; bob's key has no team. Six calls, one refused.</summary>
    async Task GivenTraffic()
    {
        await Send(s => s.Post.Json(new { team_id = "search", team_alias = "Search" }).ToUrl("/team/new"), 200);
        (_search, _) = await Host.IssuedKey(k => k with { TeamId = "search", UserId = "alice", KeyAlias = "search-key" });
        (_other, _) = await Host.IssuedKey(k => k with { UserId = "bob", KeyAlias = "bobs-key" });

        await MakeCall(_search, "acme");
        await MakeCall(_search, "acme");
        await MakeCall(_search, null);
        await MakeCall(_search, "acme", model: "no-such-model", expected: 400);
        await MakeCall(_other, "globex");
        await MakeCall(_other, "globex");
        Assert.All(_calls.Where(c => c.Status == 200), c => Assert.True(c.Cost > 0));

        await Host.EventsPersisted();
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task spend_logs_list_every_call_with_its_cost_and_owners_and_never_the_key()
    {
        await GivenTraffic();

        var all = await Get("/spend/logs");
        Assert.Equal(_calls.Count, all.GetArrayLength());
        Assert.DoesNotContain(_search, all.GetRawText());
        Assert.DoesNotContain(_other, all.GetRawText());
        var starts = all.EnumerateArray().Select(row => row.GetProperty("startTime").GetDateTimeOffset()).ToList();
        Assert.Equal(starts.OrderByDescending(t => t), starts);

        foreach (var call in _calls)
        {
            var row = Assert.Single(all.EnumerateArray(), r => r.GetProperty("request_id").GetString() == call.Id);
            Assert.Equal(call.Cost, row.GetProperty("spend").GetDecimal());
            Assert.Equal(Hash(call.Key), row.GetProperty("api_key").GetString());
            Assert.Equal(call.Key == _search ? "alice" : "bob", row.GetProperty("user").GetString());
            Assert.Equal(call.Customer ?? "", row.GetProperty("end_user").GetString());
            Assert.Equal(call.Status == 200 ? "success" : "failure", row.GetProperty("status").GetString());
            Assert.Equal(call.Key == _search ? "search" : null, row.GetProperty("team_id").GetString());
            Assert.Equal("acompletion", row.GetProperty("call_type").GetString());
            if (call.Status == 200)
            {
                Assert.Equal("mock-gpt", row.GetProperty("model_group").GetString());
                Assert.Equal("mock", row.GetProperty("custom_llm_provider").GetString());
                Assert.True(row.GetProperty("total_tokens").GetInt32() > 0);
                Assert.Equal(row.GetProperty("total_tokens").GetInt32(),
                    row.GetProperty("prompt_tokens").GetInt32() + row.GetProperty("completion_tokens").GetInt32());
            }
            else
            {
                Assert.Equal("no-such-model", row.GetProperty("model_group").GetString());
                Assert.Equal("400", row.GetProperty("metadata").GetProperty("error_information").GetProperty("error_code").GetString());
            }
        }

        var byKey = await Get($"/spend/logs?api_key={Uri.EscapeDataString(_search)}");
        Assert.Equal(_calls.Count(c => c.Key == _search), byKey.GetArrayLength());
        Assert.Equal(byKey.GetRawText(), (await Get($"/spend/logs?api_key={Hash(_search)}")).GetRawText());
        Assert.Equal(2, (await Get("/spend/logs?user_id=bob")).GetArrayLength());
        var one = await Get($"/spend/logs?request_id={_calls[1].Id}");
        Assert.Equal(_calls[1].Id, Assert.Single(one.EnumerateArray()).GetProperty("request_id").GetString());
        Assert.Equal(0, (await Get($"/spend/logs?request_id={_calls[1].Id}&user_id=bob")).GetArrayLength());
        Assert.Equal(2, (await Get("/spend/logs?limit=2")).GetArrayLength());
        Assert.Equal(_calls.Count, (await Get($"/spend/logs?start_date={Day(-1)}&end_date={Day(1)}&summarize=false")).GetArrayLength());
        Assert.Equal(0, (await Get($"/spend/logs?start_date={Day(1)}&end_date={Day(2)}&summarize=false")).GetArrayLength());
    }

    [Fact]
    public async Task spend_logs_with_a_date_range_sum_each_day_per_key_user_and_model()
    {
        await GivenTraffic();

        var days = await Get($"/spend/logs?start_date={Day(-1)}&end_date={Day(1)}");
        Assert.Equal([Day(-1), Day(0), Day(1)], days.EnumerateArray().Select(d => d.GetProperty("startTime").GetString()!));
        Assert.Equal(0m, days[0].GetProperty("spend").GetDecimal());
        Assert.Equal(0m, days[2].GetProperty("spend").GetDecimal());

        var today = days[1];
        Assert.Equal(Spent(_ => true), today.GetProperty("spend").GetDecimal());
        Assert.Equal(Spent(c => c.Key == _search), today.GetProperty(Hash(_search)).GetDecimal());
        Assert.Equal(Spent(c => c.Key == _other), today.GetProperty(Hash(_other)).GetDecimal());
        Assert.Equal(Spent(c => c.Key == _search), today.GetProperty("users").GetProperty("alice").GetDecimal());
        Assert.Equal(Spent(c => c.Key == _other), today.GetProperty("users").GetProperty("bob").GetDecimal());
        Assert.Equal(Spent(_ => true), today.GetProperty("models").EnumerateObject().Sum(m => m.Value.GetDecimal()));

        var bobsDays = await Get($"/spend/logs?start_date={Day(0)}&end_date={Day(0)}&user_id=bob");
        Assert.Equal(Spent(c => c.Key == _other), Assert.Single(bobsDays.EnumerateArray()).GetProperty("spend").GetDecimal());
        var oneCall = await Get($"/spend/logs?start_date={Day(0)}&end_date={Day(0)}&request_id={_calls[0].Id}");
        Assert.Equal(_calls[0].Cost, oneCall[0].GetProperty("spend").GetDecimal());
    }

    [Fact]
    public async Task the_global_report_groups_each_day_by_team_customer_or_key()
    {
        await GivenTraffic();
        var range = $"start_date={Day(-1)}&end_date={Day(1)}";

        var teams = await Get($"/global/spend/report?{range}");
        var day = Assert.Single(teams.EnumerateArray());
        Assert.StartsWith(Day(0), day.GetProperty("group_by_day").GetString());
        var byTeam = day.GetProperty("teams").EnumerateArray().ToDictionary(t => t.GetProperty("team_name").GetString()!, t => t);
        Assert.Equal(["Search", "Unassigned Team"], byTeam.Keys.Order());
        Assert.Equal(Spent(c => c.Key == _search), byTeam["Search"].GetProperty("total_spend").GetDecimal());
        Assert.Equal(Spent(c => c.Key == _other), byTeam["Unassigned Team"].GetProperty("total_spend").GetDecimal());
        var item = byTeam["Unassigned Team"].GetProperty("metadata").EnumerateArray().Single(i => i.GetProperty("spend").GetDecimal() > 0);
        Assert.Equal(Hash(_other), item.GetProperty("api_key").GetString());
        Assert.True(item.GetProperty("total_tokens").GetInt64() > 0);
        Assert.Equal(teams.GetRawText(), (await Get($"/global/spend/report?{range}&group_by=team")).GetRawText());

        var customers = (await Get($"/global/spend/report?{range}&group_by=customer"))[0].GetProperty("customers").EnumerateArray()
            .ToDictionary(c => c.GetProperty("customer").GetString()!, c => c.GetProperty("total_spend").GetDecimal());
        Assert.Equal(Spent(c => c.Customer == "acme"), customers["acme"]);
        Assert.Equal(Spent(c => c.Customer == "globex"), customers["globex"]);
        Assert.Equal(Spent(c => c.Customer is null), customers[""]);

        var keys = await Get($"/global/spend/report?{range}&group_by=api_key");
        Assert.Equal(2, keys.GetArrayLength());
        var costs = keys.EnumerateArray().Select(k => k.GetProperty("total_cost").GetDecimal()).ToList();
        Assert.Equal(costs.OrderDescending(), costs);
        var searchKey = keys.EnumerateArray().Single(k => k.GetProperty("api_key").GetString() == Hash(_search));
        Assert.Equal(Spent(c => c.Key == _search), searchKey.GetProperty("total_cost").GetDecimal());
        Assert.Equal(Spent(c => c.Key == _search), searchKey.GetProperty("model_details").EnumerateArray().Sum(m => m.GetProperty("total_cost").GetDecimal()));
        Assert.True(searchKey.GetProperty("total_input_tokens").GetInt64() > 0);

        var oneKey = await Get($"/global/spend/report?{range}&api_key={Uri.EscapeDataString(_other)}");
        Assert.Equal(Hash(_other), Assert.Single(oneKey.EnumerateArray()).GetProperty("api_key").GetString());
        var alices = await Get($"/global/spend/report?{range}&internal_user_id=alice");
        Assert.Equal(Spent(c => c.Key == _search), Assert.Single(alices.EnumerateArray()).GetProperty("total_cost").GetDecimal());

        var teamCustomer = await Get($"/global/spend/report?{range}&team_id=search&customer_id=acme");
        var pair = Assert.Single(teamCustomer[0].GetProperty("teams_customers").EnumerateArray());
        Assert.Equal(("Search", "acme"), (pair.GetProperty("team_name").GetString(), pair.GetProperty("customer").GetString()));
        Assert.Equal(Spent(c => c.Key == _search && c.Customer == "acme"), pair.GetProperty("total_spend").GetDecimal());

        Assert.Equal(0, (await Get($"/global/spend/report?start_date={Day(1)}&end_date={Day(3)}")).GetArrayLength());
    }

    [Fact]
    public async Task daily_activity_reports_metrics_and_breakdowns_filtered_and_paged()
    {
        await GivenTraffic();
        var range = $"start_date={Day(-1)}&end_date={Day(1)}";

        var activity = await Get($"/user/daily/activity?{range}");
        var today = Assert.Single(activity.GetProperty("results").EnumerateArray());
        Assert.Equal(Day(0), today.GetProperty("date").GetString());
        var metrics = today.GetProperty("metrics");
        Assert.Equal(Spent(_ => true), metrics.GetProperty("spend").GetDecimal());
        Assert.Equal(6, metrics.GetProperty("api_requests").GetInt64());
        Assert.Equal(5, metrics.GetProperty("successful_requests").GetInt64());
        Assert.Equal(1, metrics.GetProperty("failed_requests").GetInt64());
        Assert.Equal(metrics.GetProperty("total_tokens").GetInt64(),
            metrics.GetProperty("prompt_tokens").GetInt64() + metrics.GetProperty("completion_tokens").GetInt64());

        var breakdown = today.GetProperty("breakdown");
        var searchKey = breakdown.GetProperty("api_keys").GetProperty(Hash(_search));
        Assert.Equal(Spent(c => c.Key == _search), searchKey.GetProperty("metrics").GetProperty("spend").GetDecimal());
        Assert.Equal(4, searchKey.GetProperty("metrics").GetProperty("api_requests").GetInt64());
        Assert.Equal("search-key", searchKey.GetProperty("metadata").GetProperty("key_alias").GetString());
        Assert.Equal("search", searchKey.GetProperty("metadata").GetProperty("team_id").GetString());
        var group = breakdown.GetProperty("model_groups").GetProperty("mock-gpt");
        Assert.Equal(Spent(_ => true), group.GetProperty("metrics").GetProperty("spend").GetDecimal());
        Assert.Equal(Spent(c => c.Key == _other), group.GetProperty("api_key_breakdown").GetProperty(Hash(_other)).GetProperty("metrics").GetProperty("spend").GetDecimal());
        Assert.Equal(Spent(_ => true), breakdown.GetProperty("providers").GetProperty("mock").GetProperty("metrics").GetProperty("spend").GetDecimal());

        var meta = activity.GetProperty("metadata");
        Assert.Equal(Spent(_ => true), meta.GetProperty("total_spend").GetDecimal());
        Assert.Equal(6, meta.GetProperty("total_api_requests").GetInt64());
        Assert.Equal((1, 1, false), (meta.GetProperty("page").GetInt32(), meta.GetProperty("total_pages").GetInt32(), meta.GetProperty("has_more").GetBoolean()));

        var bobs = await Get($"/user/daily/activity?{range}&user_id=bob");
        Assert.Equal(Spent(c => c.Key == _other), bobs.GetProperty("metadata").GetProperty("total_spend").GetDecimal());
        var byKey = await Get($"/user/daily/activity?{range}&api_key={Uri.EscapeDataString(_search)}");
        Assert.Equal(Spent(c => c.Key == _search), byKey.GetProperty("metadata").GetProperty("total_spend").GetDecimal());
        var byModel = await Get($"/user/daily/activity?{range}&model=mock-gpt");
        Assert.Equal(5, byModel.GetProperty("metadata").GetProperty("total_api_requests").GetInt64());

        // One rollup row a page: the pages add up to the whole, and say how many there are.
        var pages = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var meta1 = (await Get($"/user/daily/activity?{range}&page_size=1&page={page}")).GetProperty("metadata");
            pages.Add(meta1);
            if (!meta1.GetProperty("has_more").GetBoolean())
                break;
        }
        Assert.True(pages.Count >= 3, "six calls of two keys, customers and models make several rollup rows");
        Assert.All(pages, p => Assert.Equal(pages.Count, p.GetProperty("total_pages").GetInt32()));
        Assert.Equal(Spent(_ => true), pages.Sum(p => p.GetProperty("total_spend").GetDecimal()));
        Assert.Equal(6, pages.Sum(p => p.GetProperty("total_api_requests").GetInt64()));
        var beyond = await Get($"/user/daily/activity?{range}&page_size=1&page={pages.Count + 1}");
        Assert.Equal(0, beyond.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task days_are_grouped_and_ordered_as_litellm_does()
    {
        var monday = new DateTimeOffset(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);
        await Host.Record(
        [
            RecordedCalls.Completed(monday, 1.5m, key: "k1", team: "t1", user: "u1", customer: "c1"),
            RecordedCalls.Completed(monday.AddHours(14).AddMinutes(59), 0.25m, key: "k1", team: "t1", user: "u1", customer: "c1"),
            RecordedCalls.Completed(monday.AddDays(2), 2m, key: "k2", user: "u2"),
            RecordedCalls.Failed(monday.AddDays(2), 0m, key: "k2", user: "u2"),
        ]);
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var days = await Get("/spend/logs?start_date=2025-06-01&end_date=2025-06-05");
        Assert.Equal([0m, 1.75m, 0m, 2m, 0m], days.EnumerateArray().Select(d => d.GetProperty("spend").GetDecimal()));
        Assert.Equal(1.75m, days[1].GetProperty("k1").GetDecimal());

        var report = await Get("/global/spend/report?start_date=2025-06-02&end_date=2025-06-04");
        Assert.Equal(["2025-06-02T00:00:00+00:00", "2025-06-04T00:00:00+00:00"],
            report.EnumerateArray().Select(d => d.GetProperty("group_by_day").GetString()!));
        Assert.Equal("t1", report[0].GetProperty("teams")[0].GetProperty("team_name").GetString()); // no team document: its id
        // The end day counts whole, unlike LiteLLM's midnight cut-off.
        Assert.Equal(2m, report[1].GetProperty("teams")[0].GetProperty("total_spend").GetDecimal());

        var activity = await Get("/user/daily/activity?start_date=2025-06-01&end_date=2025-06-30");
        Assert.Equal(["2025-06-04", "2025-06-02"], activity.GetProperty("results").EnumerateArray().Select(d => d.GetProperty("date").GetString()!));
        var wednesday = activity.GetProperty("results")[0].GetProperty("metrics");
        Assert.Equal((2, 1, 1), (wednesday.GetProperty("api_requests").GetInt64(), wednesday.GetProperty("successful_requests").GetInt64(), wednesday.GetProperty("failed_requests").GetInt64()));
        Assert.False(activity.GetProperty("results")[0].GetProperty("breakdown").GetProperty("api_keys").GetProperty("k2").GetProperty("metadata").GetProperty("key_exists").GetBoolean());
    }

    [Fact]
    public async Task bad_parameters_are_refused_naming_the_parameter_and_a_virtual_key_is_refused()
    {
        var (key, _) = await Host.IssuedKey();
        foreach (var url in new[] { "/spend/logs", "/global/spend/report?start_date=2025-01-01&end_date=2025-01-02", "/user/daily/activity?start_date=2025-01-01&end_date=2025-01-02" })
            Assert.Equal("permission_error", (await Get(url, 403, key)).GetProperty("type").GetString());
        await Get("/spend/logs", 401, "sk-not-a-key");

        var refusals = new (string Url, string Param)[]
        {
            ("/spend/logs?start_date=2025-13-01", "start_date"),
            ("/spend/logs?start_date=2025-01-01&end_date=yesterday", "end_date"),
            ("/spend/logs?start_date=2025-01-02&end_date=2025-01-01", "end_date"),
            ("/spend/logs?summarize=maybe", "summarize"),
            ("/spend/logs?limit=0", "limit"),
            ("/spend/logs?limit=10001", "limit"),
            ("/global/spend/report?end_date=2025-01-02", "start_date"),
            ("/global/spend/report?start_date=2025-01-01", "end_date"),
            ("/global/spend/report?start_date=01/02/2025&end_date=2025-01-02", "start_date"),
            ("/global/spend/report?start_date=2025-01-01&end_date=2025-01-02&group_by=model", "group_by"),
            ("/global/spend/report?start_date=2000-01-01&end_date=2025-01-02", "end_date"),
            ("/user/daily/activity?end_date=2025-01-02", "start_date"),
            ("/user/daily/activity?start_date=2025-01-01&end_date=2025-01-02&page=0", "page"),
            ("/user/daily/activity?start_date=2025-01-01&end_date=2025-01-02&page=two", "page"),
            ("/user/daily/activity?start_date=2025-01-01&end_date=2025-01-02&page_size=1001", "page_size"),
        };
        foreach (var (url, param) in refusals)
        {
            var error = await Get(url, 400);
            Assert.True(param == error.GetProperty("param").GetString(), $"{url} named {error.GetProperty("param")}");
            Assert.Contains(param, error.GetProperty("message").GetString());
        }
    }
}
