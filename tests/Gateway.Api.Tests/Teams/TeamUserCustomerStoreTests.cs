using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain;
using Gateway.Domain.Customers;
using Gateway.Domain.Teams;
using Gateway.Domain.Users;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Teams;

/// <summary>Teams, users and customers on their Guid streams, folded into snapshots found by LiteLLM's string ids.</summary>
public sealed class TeamUserCustomerStoreTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task a_team_user_and_customer_with_the_same_id_are_three_separate_snapshots()
    {
        var ct = TestContext.Current.CancellationToken;
        const string id = "shared-id-1";
        await gateway.Host.Append<Team>(StreamIds.Team(id), CreateTeam.Decide(new CreateTeam(id, TeamAlias: "Search", MaxBudget: 100m), null, false, "admin", Now), start: true);
        await gateway.Host.Append<PortalUser>(StreamIds.User(id), CreateUser.Decide(new CreateUser(id, UserEmail: "ada@example.com"), null, "admin", Now), start: true);
        await gateway.Host.Append<Customer>(StreamIds.Customer(id), CreateCustomer.Decide(new CreateCustomer(id, MaxBudget: 5m), null, "admin", Now), start: true);

        var store = gateway.Host.Services.GetRequiredService<IDocumentStore>();
        Team team;
        await using (var query = store.QuerySession())
            team = (await query.Query<Team>().SingleAsync(t => t.TeamId == id, ct));
        await gateway.Host.Append<Team>(StreamIds.Team(id), AddTeamMember.Decide(new AddTeamMember(id, "ada", TeamRoles.Admin, 20m), team, "admin", Now), start: false);

        Customer customer;
        await using (var query = store.QuerySession())
            customer = (await query.LoadAsync<Customer>(StreamIds.Customer(id), ct))!;
        await gateway.Host.Append<Customer>(StreamIds.Customer(id), BlockCustomer.Decide(new BlockCustomer(id), customer, "admin", Now), start: false);

        await using var read = store.QuerySession();
        var stored = await read.Query<Team>().SingleAsync(t => t.TeamId == id, ct);
        Assert.Equal(StreamIds.Team(id), stored.Id);
        Assert.Equal("Search", stored.Alias);
        Assert.Equal(20m, stored.Member("ada")!.MaxBudgetInTeam);
        Assert.Equal("ada@example.com", (await read.Query<PortalUser>().SingleAsync(u => u.UserId == id, ct)).Email);
        Assert.True((await read.Query<Customer>().SingleAsync(c => c.CustomerId == id, ct)).Blocked);
    }
}
