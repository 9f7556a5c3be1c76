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
        // "CREATE INDEX name ON gateway.table USING btree (a, b)" → "a, b"
        return definitions.Select(d => d[(d.LastIndexOf('(') + 1)..d.LastIndexOf(')')]).Order().ToList();
    }

    [Fact]
    public async Task the_request_log_indexes_each_owner_with_the_start_time_and_nothing_twice()
    {
        Assert.Equal(
            ["end_user, start_time", "id", "key_hash, start_time", "model_group, start_time", "start_time", "team_id, start_time", "user_id, start_time"],
            await IndexedColumns("mt_doc_spendlog"));
    }

    [Fact]
    public async Task the_daily_rollup_indexes_the_day_and_the_user_by_day()
    {
        Assert.Equal(["date", "id", "user_id, date"], await IndexedColumns("mt_doc_dailyspend"));
    }
}
