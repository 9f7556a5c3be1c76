using Gateway.Api.Events;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Spend;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// An event the database refuses (here a NUL, which PostgreSQL's jsonb cannot hold, slipped past the input checks)
/// is set aside on its own: the events queued with it are written, and the writer does not retry it for ever.
/// </summary>
public sealed class RefusedEventTests(PostgresFixture postgres) : FreshGateway(postgres)
{
    [Fact]
    public async Task an_event_the_database_refuses_is_set_aside_and_the_events_around_it_are_written()
    {
        var queue = Host.Services.GetRequiredService<EventQueue>();
        var writer = Host.Services.GetRequiredService<EventWriter>();
        var ids = Enumerable.Range(0, 9).Select(_ => Guid.CreateVersion7()).ToArray();
        var poisoned = ids[4];

        foreach (var id in ids)
            Assert.True(queue.TryEnqueue(id, Failed(id, id == poisoned ? "bad\u0000model" : "mock-gpt")));
        await writer.WaitUntilPersistedAsync(TimeSpan.FromSeconds(30));

        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var written = (await session.Events.QueryRawEventDataOnly<RequestFailed>().ToListAsync(TestContext.Current.CancellationToken))
            .Select(e => e.RequestId).ToHashSet();
        Assert.Equal(ids.Where(id => id != poisoned).ToHashSet(), written);
        Assert.Equal(1, writer.SetAsideCount);
        Assert.Equal(0, writer.Lost);
    }

    static RequestFailed Failed(Guid id, string model) => new(
        id, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, CallTypes.ChatCompletion, "hash", null, null, null,
        model, null, null, 400, "invalid_request_error", "test", 1, false);
}
