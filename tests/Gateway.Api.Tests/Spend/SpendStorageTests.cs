using System.Text.RegularExpressions;
using Gateway.Api.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Spend;

public sealed class SpendStorageTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    async Task<IReadOnlyList<string>> IndexedColumns(string table)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var definitions = await session.AdvancedSql.QueryAsync<string>(
            "select indexdef from pg_indexes where schemaname = 'gateway' and tablename = ?", TestContext.Current.CancellationToken, table);
        // "CREATE INDEX name ON gateway.table USING btree (a, b) WHERE (a IS NOT NULL)" → "a, b where (a IS NOT NULL)"
        return definitions.Select(d => Regex.Match(d, @"USING btree \((?<columns>[^)]*)\)(?: WHERE (?<where>.*))?$"))
            .Select(m => m.Groups["where"].Success ? $"{m.Groups["columns"].Value} where {m.Groups["where"].Value}" : m.Groups["columns"].Value)
            .Order().ToList();
    }

    [Fact]
    public async Task the_request_log_indexes_each_owner_with_the_start_time_leaving_out_calls_without_that_owner()
    {
        Assert.Equal(
            ["end_user, start_time where (end_user IS NOT NULL)", "id", "key_hash, start_time", "model_group, start_time where (model_group IS NOT NULL)",
                "start_time", "team_id, start_time where (team_id IS NOT NULL)", "user_id, start_time where (user_id IS NOT NULL)"],
            await IndexedColumns("mt_doc_spendlog"));
    }

    [Fact]
    public async Task the_daily_rollup_indexes_the_day_and_the_user_by_day()
    {
        Assert.Equal(["date", "id", "user_id, date"], await IndexedColumns("mt_doc_dailyspend"));
    }
}
