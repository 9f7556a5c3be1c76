using Gateway.Api.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Domain;
using Gateway.Domain.Customers;
using Gateway.E2E.Tests.Infrastructure;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Customers;
using Gateway.Portal.Features.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.E2E.Tests.Portal;

/// <summary>Customers from the portal against the real gateway: the admin API's events and effects, admins only.</summary>
public sealed class CustomersClientTests(PostgresFixture postgres) : IAsyncLifetime
{
    PortalGateway _gateway = null!;
    AsyncServiceScope _scope;

    ICustomersClient Customers => _scope.ServiceProvider.GetRequiredService<ICustomersClient>();
    static readonly SignedInUser Admin = SignedInUser.Admin("admin");

    public async ValueTask InitializeAsync()
    {
        _gateway = await PortalGateway.StartAsync(postgres);
        _scope = _gateway.Services.CreateAsyncScope();
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task an_admin_adds_changes_blocks_and_deletes_a_customer_and_calls_for_them_follow()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = (await _gateway.AdminPostAsync("/key/generate", new { }, ct)).GetProperty("key").GetString()!;

        var created = await Customers.CreateAsync(Admin, new CustomerSettings { CustomerId = "acme", MaxBudget = 20m, BudgetDuration = "30d" }, ct);
        var again = await Customers.CreateAsync(Admin, new CustomerSettings { CustomerId = "acme" }, ct);
        var badDuration = await Customers.UpdateAsync(Admin, "acme", new CustomerSettings { BudgetDuration = "fortnightly" }, ct);
        var updated = await Customers.UpdateAsync(Admin, "acme", new CustomerSettings { Alias = "Acme Corp", MaxBudget = 20m, BudgetDuration = "30d", RpmLimit = 100 }, ct);
        await Customers.BlockAsync(Admin, "acme", ct);
        using var whileBlocked = await ChatForAsync(key, "acme", ct);
        await Customers.UnblockAsync(Admin, "acme", ct);
        using var unblocked = await ChatForAsync(key, "acme", ct);
        await _gateway.SpendRecordedAsync();
        var listed = await Customers.ListAsync(Admin, new CustomerListQuery(0, 25, Search: "acme"), ct);
        var deleted = await Customers.DeleteAsync(Admin, "acme", ct);

        Assert.True(created.Succeeded, created.Refusal?.Message);
        Assert.Equal(RejectionKind.Conflict, again.Refusal?.Kind);
        Assert.Equal("budget_duration", badDuration.Refusal?.Field);
        Assert.Equal(("Acme Corp", 100L), (updated.Value!.Alias, updated.Value.RpmLimit));
        Assert.NotEqual(HttpStatusCode.OK, whileBlocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unblocked.StatusCode);
        var row = Assert.Single(listed.Value!.Rows);
        Assert.True(row.Spend > 0, "the served call counts in the customer's window");
        Assert.True(deleted.Succeeded);
        Assert.Empty((await Customers.ListAsync(Admin, new CustomerListQuery(0, 25), ct)).Value!.Rows);
        Assert.All(await _gateway.EventsAsync<CustomerUpdated>(), e => Assert.Equal("portal:admin", e.By));
        Assert.Single(await _gateway.EventsAsync<CustomerBlocked>());
        Assert.Single(await _gateway.EventsAsync<CustomerDeleted>());
    }

    [Fact]
    public async Task a_team_lead_is_refused_every_customer_read_and_change()
    {
        var ct = TestContext.Current.CancellationToken;
        await _gateway.AdminPostAsync("/team/new", new { team_id = "search" }, ct);
        await _gateway.AdminPostAsync("/customer/new", new { user_id = "acme" }, ct);
        var users = _scope.ServiceProvider.GetRequiredService<IUsersClient>();
        var invited = await users.CreateAsync(Admin, new NewPortalUser { UserId = "lena", Teams = ["search"] }, ct);
        await _scope.ServiceProvider.GetRequiredService<IPortalAccounts>().AcceptInvitationAsync(invited.Value!.Token, "lena's long portal password", ct);
        var lena = SignedInUser.TeamLead("lena", ["search"]);
        // A forged admin flag in a tampered circuit: the store says she is no admin.
        var forged = SignedInUser.Admin("lena", "lena");

        var listed = await Customers.ListAsync(lena, new CustomerListQuery(0, 25), ct);
        PortalResult<Customer>[] changes =
        [
            await Customers.CreateAsync(lena, new CustomerSettings { CustomerId = "globex" }, ct),
            await Customers.UpdateAsync(lena, "acme", new CustomerSettings { MaxBudget = 1m }, ct),
            await Customers.BlockAsync(lena, "acme", ct),
            await Customers.DeleteAsync(forged, "acme", ct),
        ];

        Assert.Equal(CustomersClient.AdminsOnly, listed.Refusal?.Message);
        Assert.All(changes, c => Assert.Equal(RejectionKind.Forbidden, c.Refusal?.Kind));
        Assert.Single(await _gateway.EventsAsync<CustomerCreated>());
        Assert.Empty(await _gateway.EventsAsync<CustomerUpdated>());
        Assert.Empty(await _gateway.EventsAsync<CustomerBlocked>());
        Assert.Empty(await _gateway.EventsAsync<CustomerDeleted>());
    }

    async Task<HttpResponseMessage> ChatForAsync(string key, string user, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = _gateway.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "mock-gpt", max_tokens = 20, user, messages = new[] { new { role = "user", content = "hello" } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request, ct);
    }
}
