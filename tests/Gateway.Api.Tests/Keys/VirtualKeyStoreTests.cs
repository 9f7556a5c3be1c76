using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Keys;

/// <summary>The key events and their inline snapshot on the real store, before any API uses them.</summary>
public sealed class VirtualKeyStoreTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task issued_updated_and_blocked_events_fold_into_a_snapshot_found_by_hash()
    {
        var ct = TestContext.Current.CancellationToken;
        var plaintext = KeyPlaintext.Generate();
        var keyId = Guid.CreateVersion7();
        var issue = IssueKey.Decide(new IssueKey(keyId, KeyPlaintext.Hash(plaintext), KeyPlaintext.Name(plaintext), "admin")
        {
            KeyAlias = "billing-service",
            Models = ["mock-gpt"],
            MaxBudget = 12.5m,
            BudgetDuration = "30d",
            RpmLimit = 60,
            Metadata = new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["owner"] = System.Text.Json.JsonDocument.Parse("\"team-a\"").RootElement,
            },
        }, Now);
        Assert.True(issue.IsAccepted);

        var store = gateway.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<VirtualKey>(keyId, issue.Events.ToArray());
            await session.SaveChangesAsync(ct);
        }

        VirtualKey issued;
        await using (var query = store.QuerySession())
            issued = (await query.LoadAsync<VirtualKey>(keyId, ct))!;

        var update = UpdateKey.Decide(new UpdateKey(keyId, "admin") { MaxBudget = new Change<decimal?>(null), Blocked = true }, issued, Now.AddMinutes(1));
        Assert.True(update.IsAccepted);
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(keyId, update.Events.ToArray());
            await session.SaveChangesAsync(ct);
        }

        await using var read = store.QuerySession();
        var key = Assert.Single(await read.Query<VirtualKey>().Where(k => k.KeyHash == KeyPlaintext.Hash(plaintext)).ToListAsync(ct));
        Assert.Equal(keyId, key.Id);
        Assert.Equal("billing-service", key.KeyAlias);
        Assert.Equal(["mock-gpt"], key.Models);
        Assert.Null(key.MaxBudget);
        Assert.True(key.Blocked);
        Assert.False(key.IsActive(Now.AddMinutes(2)));
        Assert.Equal("team-a", key.Metadata["owner"].GetString());
        Assert.Equal("30d", key.BudgetDuration);
        Assert.Equal(60, key.RpmLimit);
    }
}
