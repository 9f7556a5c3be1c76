using System.Globalization;
using Gateway.Api.Cli;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Audit;
using Gateway.Domain.Spend;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Audit;

/// <summary><c>spend --as-of</c>: a key's, team's or customer's spend at a past moment, by replay.</summary>
public sealed class SpendAsOfTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    static string Moment(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    async Task<(decimal Spend, long Requests)> SpendAt(DateTimeOffset asOf, string owner, string id)
    {
        var result = await Host.Cli("spend", "--as-of", Moment(asOf), $"--{owner}", id, "--format", "json");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var json = result.Json();
        return (json.GetProperty("spend").GetDecimal(), json.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task spend_as_of_a_moment_counts_the_calls_charged_by_then_for_a_key_team_and_customer()
    {
        await Host.AdminPost("/team/new", new { team_id = "finance" });
        var key = (await Host.AdminPost("/key/generate", new { team_id = "finance", key_alias = "billing" })).GetProperty("key").GetString()!;
        var first = Cost(await Chat(key, user: "acme"));
        await Host.EventsPersisted();
        var second = Cost(await Chat(key, user: "acme"));
        var calls = (await Host.Events<RequestCompleted>()).OrderBy(e => e.At).ToList();
        Assert.Equal(2, calls.Count);
        var (firstAt, secondAt) = (calls[0].At, calls[1].At);
        Assert.True(firstAt < secondAt);

        foreach (var (owner, id) in new[] { ("key", "billing"), ("key", key), ("team", "finance"), ("customer", "acme") })
        {
            Assert.Equal((0m, 0L), await SpendAt(firstAt.AddTicks(-10), owner, id));
            Assert.Equal((first, 1L), await SpendAt(firstAt, owner, id));
            Assert.Equal((first, 1L), await SpendAt(firstAt + (secondAt - firstAt) / 2, owner, id));
            Assert.Equal((first + second, 2L), await SpendAt(secondAt, owner, id));
            Assert.Equal((first + second, 2L), await SpendAt(secondAt.AddDays(1), owner, id));
        }
    }

    [Fact]
    public async Task the_service_method_answers_as_the_cli_does()
    {
        var key = (await Host.AdminPost("/key/generate", new { key_alias = "svc" })).GetProperty("key").GetString()!;
        var cost = Cost(await Chat(key));
        await Host.EventsPersisted();
        var at = (await Host.Events<RequestCompleted>()).Single().At;

        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var hashes = await AuditScopes.KeyHashesAsync(session, "svc", TestContext.Current.CancellationToken);
        var before = await SpendAsOf.ComputeAsync(session, SpendOwner.Key("svc", hashes!), at.AddMilliseconds(-1), TestContext.Current.CancellationToken);
        var after = await SpendAsOf.ComputeAsync(session, SpendOwner.Key("svc", hashes!), at, TestContext.Current.CancellationToken);

        Assert.Equal((0m, 0L, (DateTimeOffset?)null), (before.Spend, before.Requests, before.LastCallAt));
        Assert.Equal((cost, 1L, (DateTimeOffset?)at), (after.Spend, after.Requests, after.LastCallAt));
    }

    [Fact]
    public async Task a_regenerated_key_keeps_the_spend_of_its_earlier_secret()
    {
        var key = (await Host.AdminPost("/key/generate", new { key_alias = "rotating" })).GetProperty("key").GetString()!;
        var before = Cost(await Chat(key));
        var renewed = (await Host.AdminPost("/key/regenerate", new { key })).GetProperty("key").GetString()!;
        var after = Cost(await Chat(renewed));
        await Host.EventsPersisted();

        Assert.Equal((before + after, 2L), await SpendAt(DateTimeOffset.UtcNow.AddMinutes(1), "key", renewed));
        Assert.Equal((before + after, 2L), await SpendAt(DateTimeOffset.UtcNow.AddMinutes(1), "key", "rotating"));
    }

    [Fact]
    public async Task an_unknown_owner_or_a_bad_moment_is_an_error()
    {
        var customer = await Host.Cli("spend", "--as-of", "2025-10-31T23:59:59Z", "--customer", "nobody");
        var moment = await Host.Cli("spend", "--as-of", "last tuesday", "--team", "finance");
        var two = await Host.Cli("spend", "--as-of", "2025-10-31", "--team", "a", "--customer", "b");
        var secret = await Host.Cli("spend", "--as-of", "2025-10-31", "--key", "sk-secret-never-echoed");

        Assert.Equal(ExitCodes.NotFound, customer.ExitCode);
        Assert.Contains("no customer 'nobody'", customer.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, moment.ExitCode);
        Assert.Contains("--as-of 'last tuesday' is not a timestamp", moment.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, two.ExitCode);
        Assert.Equal(ExitCodes.NotFound, secret.ExitCode);
        Assert.DoesNotContain("sk-secret-never-echoed", secret.Error, StringComparison.Ordinal);
    }
}
