using Gateway.Api.Tests.Infrastructure;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Domain;
using Gateway.E2E.Tests.Infrastructure;
using Gateway.Portal.Features;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Customers;
using Gateway.Portal.Features.Keys;
using Gateway.Portal.Features.Models;
using Gateway.Portal.Features.Teams;
using Gateway.Portal.Features.Users;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.E2E.Tests.Portal;

/// <summary>The real gateway and store for <see cref="PortalNamesTests"/>: one team, <c>search</c>, and one key, <c>checkout</c>.</summary>
public sealed class PortalNamesGateway(PostgresFixture postgres) : IAsyncLifetime
{
    public PortalGateway Gateway { get; private set; } = null!;
    public AsyncServiceScope Scope { get; private set; }
    public Guid CheckoutKey { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Gateway = await PortalGateway.StartAsync(postgres);
        Scope = Gateway.Services.CreateAsyncScope();
        var ct = TestContext.Current.CancellationToken;
        await Gateway.AdminPostAsync("/team/new", new { team_id = "search" }, ct);
        await Gateway.AdminPostAsync("/key/generate", new { key_alias = "checkout" }, ct);
        CheckoutKey = (await Gateway.KeyAsync("checkout")).Id;
    }

    public async ValueTask DisposeAsync()
    {
        await Scope.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}

/// <summary>
/// Names typed in the portal's dialogs meet the rule the admin API holds them to (<see cref="StorableText"/>: at most 512
/// characters, no NUL, no lone UTF-16 surrogate, and the stricter limits of ids and aliases), because the portal's
/// clients go through the same decisions: each is refused as invalid, naming the field, and nothing is stored. Before,
/// a 300 kB key alias or a NUL reached PostgreSQL, which refused the write with an exception.
/// </summary>
public sealed class PortalNamesTests(PortalNamesGateway fixture) : IClassFixture<PortalNamesGateway>
{
    static readonly SignedInUser Admin = SignedInUser.Admin("admin");

    public static readonly TheoryData<string, string> UnstorableNames = new()
    {
        { "300 kB", new string('a', 300_000) },
        { "513 characters", new string('n', 513) },
        { "NUL", "bad\0name" },
        { "a lone surrogate", "bad\ud800name" },
    };

    /// <summary>
    /// Free text (a model's parameters) may be long, but must be storable. (A lone surrogate never reaches the decision
    /// from this form: turning the settings into JSON already replaces it with U+FFFD, which can be stored.)
    /// </summary>
    public static readonly TheoryData<string, string> UnstorableText = new()
    {
        { "NUL", "http://bad\0host" },
    };

    T Client<T>() where T : notnull => fixture.Scope.ServiceProvider.GetRequiredService<T>();

    [Theory]
    [MemberData(nameof(UnstorableNames))]
    public async Task keys_refuse_a_name_the_gateway_cannot_store(string what, string name)
    {
        _ = what;
        var keys = Client<IKeysClient>();
        await RefusedAsync("key_alias", ct => keys.IssueAsync(Admin, new KeySettings { Alias = name }, ct));
        await RefusedAsync("user_id", ct => keys.IssueAsync(Admin, new KeySettings { UserId = name }, ct));
        await RefusedAsync("models[1]", ct => keys.IssueAsync(Admin, new KeySettings { Models = $"mock-gpt, {name}" }, ct));
        await RefusedAsync("key_alias", ct => keys.UpdateAsync(Admin, fixture.CheckoutKey, new KeySettings { Alias = name }, ct));
    }

    [Theory]
    [MemberData(nameof(UnstorableNames))]
    public async Task teams_refuse_a_name_the_gateway_cannot_store(string what, string name)
    {
        _ = what;
        var teams = Client<ITeamsClient>();
        await RefusedAsync("team_id", ct => teams.CreateAsync(Admin, new TeamSettings { TeamId = name }, ct));
        await RefusedAsync("team_alias", ct => teams.CreateAsync(Admin, new TeamSettings { TeamId = "ads", Alias = name }, ct));
        await RefusedAsync("models[0]", ct => teams.CreateAsync(Admin, new TeamSettings { TeamId = "ads", Models = name }, ct));
        await RefusedAsync("team_alias", ct => teams.UpdateAsync(Admin, "search", new TeamSettings { Alias = name }, ct));
        await RefusedAsync("member.user_id", ct => teams.AddMemberAsync(Admin, "search", new MemberSettings { UserId = name }, ct));
    }

    [Theory]
    [MemberData(nameof(UnstorableNames))]
    public async Task users_and_customers_refuse_a_name_the_gateway_cannot_store(string what, string name)
    {
        _ = what;
        var users = Client<IUsersClient>();
        var customers = Client<ICustomersClient>();
        await RefusedAsync("user_id", ct => users.CreateAsync(Admin, new NewPortalUser { UserId = name, IsAdmin = true }, ct));
        await RefusedAsync("user_email", ct => users.CreateAsync(Admin, new NewPortalUser { UserId = "ada", Email = $"{name}@example.com", IsAdmin = true }, ct));
        await RefusedAsync("user_id", ct => customers.CreateAsync(Admin, new CustomerSettings { CustomerId = name }, ct));
        await RefusedAsync("alias", ct => customers.CreateAsync(Admin, new CustomerSettings { CustomerId = "acme", Alias = name }, ct));
    }

    [Theory]
    [MemberData(nameof(UnstorableNames))]
    public async Task models_refuse_a_name_the_gateway_cannot_store(string what, string name)
    {
        _ = what;
        var models = Client<IModelsClient>();
        await RefusedAsync("model_name", ct => models.AddAsync(Admin, Model(name), ct));
    }

    [Theory]
    [MemberData(nameof(UnstorableText))]
    public async Task models_refuse_parameters_the_gateway_cannot_store(string what, string text)
    {
        _ = what;
        var models = Client<IModelsClient>();
        var settings = Model("gpt-4o-eu");
        settings.ApiBase = text;
        await RefusedAsync("litellm_params.api_base", ct => models.AddAsync(Admin, settings, ct));
    }

    [Fact]
    public async Task the_portal_and_the_admin_api_draw_the_line_at_the_same_length()
    {
        var ct = TestContext.Current.CancellationToken;
        var keys = Client<IKeysClient>();
        string Alias(int length, char c) => new(c, length);

        var longest = await keys.IssueAsync(Admin, new KeySettings { Alias = Alias(512, 'p') }, ct);
        var tooLong = await keys.IssueAsync(Admin, new KeySettings { Alias = Alias(513, 'p') }, ct);
        using var apiLongest = await AdminPostAsync("/key/generate", new { key_alias = Alias(512, 'a') }, ct);
        using var apiTooLong = await AdminPostAsync("/key/generate", new { key_alias = Alias(513, 'a') }, ct);

        Assert.True(longest.Succeeded, longest.Refusal?.Message);
        Assert.Equal(("key_alias", "key_alias at most 512 characters."), (tooLong.Refusal?.Field, tooLong.Refusal?.Message));
        Assert.True(apiLongest.IsSuccessStatusCode);
        Assert.Equal(400, (int)apiTooLong.StatusCode);
        Assert.Contains("at most 512 characters", await apiTooLong.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task a_search_for_text_the_store_cannot_hold_finds_nothing_instead_of_failing()
    {
        var ct = TestContext.Current.CancellationToken;
        const string nul = "check\0out";

        var found = await Client<IKeysClient>().ListAsync(Admin, new KeyListQuery(0, 25, Search: "checkout"), ct);
        var keys = await Client<IKeysClient>().ListAsync(Admin, new KeyListQuery(0, 25, Search: nul), ct);
        var teams = await Client<ITeamsClient>().ListAsync(Admin, new TeamListQuery(0, 25, Search: "sea\ud800"), ct);
        var customers = await Client<ICustomersClient>().ListAsync(Admin, new CustomerListQuery(0, 25, Search: nul), ct);
        var logs = await Client<Gateway.Portal.Features.Logs.ILogsClient>().ListAsync(Admin,
            new Gateway.Portal.Features.Logs.LogQuery(0, 25, Team: nul), ct);

        Assert.Equal(1, found.Total);
        Assert.Equal((0, 0, 0, 0), (keys.Total, teams.Total, customers.Value!.Total, logs.Total));
    }

    static ModelSettings Model(string name) => new() { ModelName = name, Provider = "openai", UpstreamModel = "gpt-4o", ApiBase = "http://127.0.0.1:9/v1" };

    /// <summary>The client refuses as invalid, naming <paramref name="field"/>, and the store holds not one event more.</summary>
    async Task RefusedAsync<T>(string field, Func<CancellationToken, Task<PortalResult<T>>> act)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await EventCountAsync(ct);

        var result = await act(ct);

        Assert.False(result.Succeeded, $"{field} was accepted");
        Assert.Equal((RejectionKind.Invalid, field), (result.Refusal!.Kind, result.Refusal.Field));
        Assert.StartsWith(field, result.Refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync(ct));
    }

    async Task<long> EventCountAsync(CancellationToken ct)
    {
        await using var session = fixture.Gateway.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync(ct);
    }

    async Task<HttpResponseMessage> AdminPostAsync(string path, object body, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = fixture.Gateway.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PortalGateway.MasterKey);
        return await http.SendAsync(request, ct);
    }
}
