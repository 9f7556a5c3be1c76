using Alba;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>Given-state for tests: virtual keys put straight into the store through the real decisions.</summary>
public static class GivenKeys
{
    /// <summary>Issues a key (customised by <paramref name="with"/>) and returns its plaintext and id.</summary>
    public static async Task<(string Plaintext, Guid Id)> IssuedKey(this IAlbaHost host, Func<IssueKey, IssueKey>? with = null)
    {
        var plaintext = KeyPlaintext.Generate();
        var id = Guid.CreateVersion7();
        var command = new IssueKey(id, KeyPlaintext.Hash(plaintext), KeyPlaintext.Name(plaintext), "test");
        var decision = IssueKey.Decide(with is null ? command : with(command), DateTimeOffset.UtcNow);
        await host.Append(id, decision, start: true);
        return (plaintext, id);
    }

    /// <summary>The key's current snapshot, as a decision about it needs.</summary>
    public static async Task<VirtualKey> Key(this IAlbaHost host, Guid id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<VirtualKey>(id))!;
    }

    public static Task Append(this IAlbaHost host, Guid stream, Decision decision, bool start = false) =>
        host.Append<VirtualKey>(stream, decision, start);

    /// <summary>Appends an accepted decision's events to an aggregate's stream (starting it when asked).</summary>
    public static async Task Append<TAggregate>(this IAlbaHost host, Guid stream, Decision decision, bool start = false) where TAggregate : class
    {
        Assert.True(decision.IsAccepted, decision.Rejection?.Message);
        await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        if (start)
            session.Events.StartStream<TAggregate>(stream, decision.Events.ToArray());
        else
            session.Events.Append(stream, decision.Events.ToArray());
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
    }
}
