using Gateway.Api.Cli;
using Gateway.Api.Hosting;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain;
using Gateway.Domain.Spend;
using Marten;
using Marten.Events;
using Gateway.Api.Tests.Spend;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gateway.Api.Tests.Audit;

/// <summary>A broken projection is an incident the audit reports; Marten's own rebuild restores it from the events.</summary>
public sealed class ProjectionIncidentTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    static readonly string[] Period = ["audit", "--from", DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), "--to", DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd"), "--format", "json"];

    async Task<(string Key, decimal Spent)> Traffic()
    {
        await Host.AdminPost("/team/new", new { team_id = "finance" });
        var key = (await Host.AdminPost("/key/generate", new { team_id = "finance", key_alias = "billing" })).GetProperty("key").GetString()!;
        var spent = 0m;
        spent += Cost(await Chat(key));
        spent += Cost(await Chat(key, user: "acme"));
        spent += Cost(await Chat(GatewayTestHost.MasterKey));
        await Host.EventsPersisted();
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        return (key, spent);
    }

    async Task Sql(string sql)
    {
        var url = Host.Services.GetRequiredService<GatewaySettings>().DatabaseUrl!;
        await using var connection = new NpgsqlConnection(DatabaseUrl.ToNpgsqlConnectionString(url));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task a_corrupted_projection_makes_the_audit_exit_non_zero_with_the_rows_that_differ()
    {
        var (_, spent) = await Traffic();
        Assert.Equal(ExitCodes.Ok, (await Host.Cli(Period)).ExitCode);

        // One cent more on one of the team key's daily rows (the one for end user acme).
        await Sql($"update {Configuration.SchemaName}.mt_doc_dailyspend set data = jsonb_set(data, '{{Spend}}', to_jsonb((data ->> 'Spend')::numeric + 0.01)) where data ->> 'TeamId' = 'finance' and data ->> 'EndUser' = 'acme'");
        var result = await Host.Cli(Period);

        Assert.Equal(ExitCodes.ProjectionsDisagree, result.ExitCode);
        Assert.Contains("disagrees with the events on 1 row(s)", result.Error, StringComparison.Ordinal);
        Assert.Contains("key billing team finance model mock-gpt", result.Error, StringComparison.Ordinal);
        var totals = result.Json().GetProperty("totals");
        Assert.Equal(spent, totals.GetProperty("recorded_cost").GetDecimal());
        Assert.Equal(spent + 0.01m, totals.GetProperty("projected_cost").GetDecimal());
    }

    [Fact]
    public async Task calls_the_daemon_has_not_projected_yet_are_not_an_incident()
    {
        var (_, spent) = await Traffic();
        await Host.PauseDaemon();
        spent += Cost(await Chat(GatewayTestHost.MasterKey));
        await Host.EventsPersisted();

        var result = await Host.Cli(Period);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("1 call(s) of the period are not projected yet", result.Error, StringComparison.Ordinal);
        Assert.Equal(spent, result.Json().GetProperty("totals").GetProperty("projected_cost").GetDecimal());
        await Host.ResumeDaemon();
    }
}
