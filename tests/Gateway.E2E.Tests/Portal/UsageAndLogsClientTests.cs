using Gateway.Api.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Domain;
using Gateway.Domain.Spend;
using Gateway.E2E.Tests.Infrastructure;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Logs;
using Gateway.Portal.Features.Spend;
using Gateway.Portal.Features.Usage;
using Gateway.Portal.Features.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.E2E.Tests.Portal;

/// <summary>
/// Usage, the request log and one call's details from real calls through the real gateway: a team lead's view holds
/// their teams' calls only, and another team's call is refused by its id too. The CSV export needs the portal's cookie.
/// </summary>
public sealed class UsageAndLogsClientTests(PostgresFixture postgres) : IAsyncLifetime
{
    PortalGateway _gateway = null!;
    AsyncServiceScope _scope;
    Guid _searchCall;
    Guid _adsCall;
    Guid _failedCall;

    ISpendClient Spend => _scope.ServiceProvider.GetRequiredService<ISpendClient>();
    ILogsClient Logs => _scope.ServiceProvider.GetRequiredService<ILogsClient>();
    static readonly SignedInUser Admin = SignedInUser.Admin("admin");
    static readonly SignedInUser Lena = SignedInUser.TeamLead("lena", ["search"]);
    static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public async ValueTask InitializeAsync()
    {
        _gateway = await PortalGateway.StartAsync(postgres);
        _scope = _gateway.Services.CreateAsyncScope();
        var ct = TestContext.Current.CancellationToken;
        await _gateway.AdminPostAsync("/team/new", new { team_id = "search" }, ct);
        await _gateway.AdminPostAsync("/team/new", new { team_id = "ads" }, ct);
        var users = _scope.ServiceProvider.GetRequiredService<IUsersClient>();
        var invited = await users.CreateAsync(Admin, new NewPortalUser { UserId = "lena", Teams = ["search"] }, ct);
        await _scope.ServiceProvider.GetRequiredService<IPortalAccounts>().AcceptInvitationAsync(invited.Value!.Token, "lena's long portal password", ct);

        var search = await KeyAsync("search-bot", "search", ct);
        var ads = await KeyAsync("ads-bot", "ads", ct);
        _searchCall = await CallAsync(search, "mock-gpt", "acme", HttpStatusCode.OK, ct);
        _adsCall = await CallAsync(ads, "mock-gpt", null, HttpStatusCode.OK, ct);
        _failedCall = await CallAsync(search, "no-such-model", null, HttpStatusCode.BadRequest, ct);
        await _gateway.SpendRecordedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task a_team_leads_usage_holds_their_teams_calls_only_and_an_admins_every_call()
    {
        var ct = TestContext.Current.CancellationToken;

        var hers = await Spend.UsageAsync(Lena, Today.AddDays(-6), Today, ct);
        var all = await Spend.UsageAsync(Admin, Today.AddDays(-6), Today, ct);

        Assert.Equal(["search"], hers.ByTeam.Select(r => r.Name));
        Assert.Equal(["search-bot"], hers.ByKey.Select(r => r.Name));
        Assert.Equal(2, hers.Requests);
        Assert.Equal(["ads", "search"], all.ByTeam.Select(r => r.Name).Order());
        Assert.Equal(3, all.Requests);
        Assert.Equal(7, hers.Days.Count);
        var today = hers.Days[^1];
        Assert.Equal(today.Total, today.ByTeam["search"].Spend);
        Assert.True(today.PromptTokens > 0 && today.CompletionTokens > 0);
        var csv = UsageCsv.Write(hers, UsageGrouping.Key).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, csv.Length);
        Assert.StartsWith($"{Today:yyyy-MM-dd},search-bot,", csv[1]);
    }

    [Fact]
    public async Task a_team_lead_lists_their_teams_calls_and_the_filters_narrow_them_on_the_server()
    {
        var ct = TestContext.Current.CancellationToken;

        var hers = await Logs.ListAsync(Lena, new LogQuery(0, 25), ct);
        var hersByAdsKey = await Logs.ListAsync(Lena, new LogQuery(0, 25, Key: "ads"), ct);
        var hersOnAdsTeam = await Logs.ListAsync(Lena, new LogQuery(0, 25, Team: "ads"), ct);
        var failures = await Logs.ListAsync(Admin, new LogQuery(0, 25, Status: SpendLog.Failure), ct);
        var forAcme = await Logs.ListAsync(Admin, new LogQuery(0, 25, Customer: "acme"), ct);
        var adsTeam = await Logs.ListAsync(Admin, new LogQuery(0, 25, Team: "ads", Model: "mock-gpt", From: Today, To: Today), ct);
        var tomorrow = await Logs.ListAsync(Admin, new LogQuery(0, 25, From: Today.AddDays(1)), ct);
        var firstOfTwo = await Logs.ListAsync(Lena, new LogQuery(0, 1), ct);

        Assert.Equal([_failedCall, _searchCall], hers.Rows.Select(r => r.Call.Id));
        Assert.All(hers.Rows, r => Assert.Equal("search-bot", r.Key));
        Assert.Empty(hersByAdsKey.Rows);
        Assert.Empty(hersOnAdsTeam.Rows);
        Assert.Equal([_failedCall], failures.Rows.Select(r => r.Call.Id));
        Assert.Equal([_searchCall], forAcme.Rows.Select(r => r.Call.Id));
        Assert.Equal([_adsCall], adsTeam.Rows.Select(r => r.Call.Id));
        Assert.Empty(tomorrow.Rows);
        Assert.Equal((2, 1), (firstOfTwo.Total, firstOfTwo.Rows.Count));
    }

    [Fact]
    public async Task a_calls_details_hold_its_prices_and_another_teams_call_is_refused_by_its_id()
    {
        var ct = TestContext.Current.CancellationToken;

        var served = await Logs.DetailsAsync(Lena, _searchCall, ct);
        var failed = await Logs.DetailsAsync(Lena, _failedCall, ct);
        var others = await Logs.DetailsAsync(Lena, _adsCall, ct);
        var asAdmin = await Logs.DetailsAsync(Admin, _adsCall, ct);
        var unknown = await Logs.DetailsAsync(Admin, Guid.CreateVersion7(), ct);

        var call = served.Value!;
        Assert.Equal(("search-bot", "search", "acme", "mock-gpt"), (call.Key, call.TeamId, call.CustomerId, call.ModelGroup));
        Assert.True(call.Succeeded);
        Assert.NotNull(call.DeploymentId);
        Assert.True(call.PromptTokens > 0 && call.Cost > 0);
        Assert.NotNull(call.Prices?.InputCostPerToken);
        Assert.False(string.IsNullOrEmpty(call.PriceSheetVersion));
        Assert.Equal(call.Cost, call.PromptTokens * call.Prices!.InputCostPerToken!.Value + call.CompletionTokens * call.Prices.OutputCostPerToken!.Value);
        Assert.Null(call.ApiBase);
        Assert.False(failed.Value!.Succeeded);
        Assert.Equal(400, failed.Value.HttpStatus);
        Assert.Contains("no-such-model", failed.Value.ErrorMessage);
        Assert.Equal(RejectionKind.Forbidden, others.Refusal?.Kind);
        Assert.Null(others.Value);
        Assert.Equal("ads", asAdmin.Value!.TeamId);
        Assert.Equal(RejectionKind.NotFound, unknown.Refusal?.Kind);
    }

    [Fact]
    public async Task the_csv_export_is_refused_without_the_portals_cookie()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _gateway.BaseUrl };

        using var anonymous = await http.GetAsync(UsageExport.Address(Today, Today, UsageGrouping.Team), ct);
        using var withMasterKey = new HttpRequestMessage(HttpMethod.Get, UsageExport.Address(Today, Today, UsageGrouping.Team));
        withMasterKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PortalGateway.MasterKey);
        using var bearer = await http.SendAsync(withMasterKey, ct);

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/ui/signin", anonymous.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, bearer.StatusCode);
        Assert.DoesNotContain("search", await anonymous.Content.ReadAsStringAsync(ct));
    }

    async Task<string> KeyAsync(string alias, string team, CancellationToken ct) =>
        (await _gateway.AdminPostAsync("/key/generate", new { key_alias = alias, team_id = team }, ct)).GetProperty("key").GetString()!;

    /// <summary>One call; its request id, as the caller sees it in x-litellm-call-id.</summary>
    async Task<Guid> CallAsync(string key, string model, string? user, HttpStatusCode expected, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = _gateway.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model, max_tokens = 20, user, messages = new[] { new { role = "user", content = "Say something about budgets" } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, ct);
        Assert.Equal(expected, response.StatusCode);
        return Guid.Parse(response.Headers.GetValues("x-litellm-call-id").Single());
    }
}
