using System.Globalization;
using Alba;
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

/// <summary>
/// <c>projections rebuild</c> (Marten's own command) restores wiped projections from the events: in-process, and
/// through the built binary. It refuses while a gateway is connected, whose daemon would project meanwhile.
/// </summary>
public sealed class ProjectionRebuildTests(PostgresFixture postgres)
{
    static string[] Audit => ["audit", "--from", Day(-1), "--to", Day(1), "--format", "json"];

    static string Day(int offset) => DateTime.UtcNow.AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A gateway with a few calls, all projected; the CLI settings for its database; what was charged; the key.</summary>
    async Task<(IAlbaHost Host, Dictionary<string, string?> Settings, decimal Spent, string Key)> GatewayWithTraffic()
    {
        var host = await GatewayTestHost.StartAsync(postgres);
        var key = (await host.AdminPost("/key/generate", new { key_alias = "billing" })).GetProperty("key").GetString()!;
        var spent = (await host.Chat(key)).ResponseCost() + (await host.Chat(key, user: "acme")).ResponseCost()
            + (await host.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        await host.EventsPersisted();
        await host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        return (host, CliRunner.SettingsOf(host), spent, key);
    }

    static string Unpooled(IReadOnlyDictionary<string, string?> settings) =>
        new NpgsqlConnectionStringBuilder(DatabaseUrl.ToNpgsqlConnectionString(settings["DATABASE_URL"]!)) { Pooling = false }.ConnectionString;

    static async Task Wipe(IReadOnlyDictionary<string, string?> settings)
    {
        // Unpooled: an idle connection left in this process's pool would count as another session.
        await using var connection = new NpgsqlConnection(Unpooled(settings));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            $"delete from {Configuration.SchemaName}.mt_doc_dailyspend; delete from {Configuration.SchemaName}.mt_doc_keyspend", connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    static async Task<KeySpend?> KeySpendOf(IReadOnlyDictionary<string, string?> settings, string key)
    {
        using var store = DocumentStore.For(options =>
        {
            options.Connection(Unpooled(settings));
            options.ConfigureGateway();
        });
        await using var session = store.QuerySession();
        return await session.LoadAsync<KeySpend>(Gateway.Domain.Keys.KeyPlaintext.Hash(key), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task rebuild_restores_a_wiped_projection_and_refuses_while_a_gateway_is_connected()
    {
        var (host, settings, spent, key) = await GatewayWithTraffic();
        await Wipe(settings);
        var wiped = await CliRunner.Run(settings, Audit);
        Assert.Equal(ExitCodes.ProjectionsDisagree, wiped.ExitCode);
        Assert.Equal(0m, wiped.Json().GetProperty("totals").GetProperty("projected_cost").GetDecimal());

        var refused = await CliRunner.Run(settings, "projections", "rebuild");
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("other session(s) use this database", refused.Error, StringComparison.Ordinal);

        // Stop the gateway; rebuild the spend projection by name (every spend read model with it), then all of them.
        await host.DisposeAsync();
        var spend = await CliRunner.Run(settings, "projections", "rebuild", "-p", SpendProjection.ProjectionName);
        Assert.True(spend.ExitCode == 0, spend.ToString());
        var audited = await CliRunner.Run(settings, Audit);
        Assert.True(audited.ExitCode == ExitCodes.Ok, audited.ToString());
        Assert.Equal(spent, audited.Json().GetProperty("totals").GetProperty("projected_cost").GetDecimal());
        Assert.Equal(2, (await KeySpendOf(settings, key))?.Requests);

        await Wipe(settings);
        var all = await CliRunner.Run(settings, "projections", "rebuild");
        Assert.True(all.ExitCode == 0, all.ToString());
        var keySpend = await KeySpendOf(settings, key);
        Assert.NotNull(keySpend);
        Assert.Equal(2, keySpend.Requests);
    }

    [Fact]
    public async Task the_built_binary_rebuilds_and_audits_as_a_real_process()
    {
        var (host, settings, spent, _) = await GatewayWithTraffic();
        await host.DisposeAsync();
        await Wipe(settings);
        var environment = new Dictionary<string, string?>(settings) { ["GATEWAY_CONFIG"] = null };

        var before = await CliRunner.RunProcess(environment, Audit);
        var rebuilt = await CliRunner.RunProcess(environment, "projections", "rebuild", "-p", SpendProjection.ProjectionName);
        var after = await CliRunner.RunProcess(environment, Audit);

        Assert.True(before.ExitCode == ExitCodes.ProjectionsDisagree, before.ToString());
        Assert.Contains("gateway projections rebuild -p Spend", before.Error, StringComparison.Ordinal);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        Assert.True(after.ExitCode == ExitCodes.Ok, after.ToString());
        var totals = after.Json().GetProperty("totals");
        Assert.Equal(spent, totals.GetProperty("recorded_cost").GetDecimal());
        Assert.Equal(spent, totals.GetProperty("projected_cost").GetDecimal());
    }

    [Fact]
    public async Task running_the_projections_outside_the_gateway_is_refused()
    {
        var result = await CliRunner.Run(new Dictionary<string, string?>(), "projections");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("use `projections list` or `projections rebuild", result.Error, StringComparison.Ordinal);
    }
}
