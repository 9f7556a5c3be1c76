using Alba;
using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Spend;

/// <summary>Given-state for spend tests: request events appended straight into the store, each on its own stream.</summary>
public static class RecordedCalls
{
    public static RequestCompleted Completed(DateTimeOffset startedAt, decimal cost, string? key = "key-a", string? team = null,
        string? user = null, string? customer = null, string group = "gpt-4o", int prompt = 10, int completion = 5) =>
        new(Guid.CreateVersion7(), startedAt, startedAt.AddSeconds(2), CallTypes.ChatCompletion, key, team, user, customer,
            group, "deployment-1", "openai", group + "-upstream", "https://api.example.test/v1", prompt, completion, 0, 0, 0,
            cost, new ModelPrice(), "test-sheet", 2000, null, false, 200, false);

    public static RequestFailed Failed(DateTimeOffset startedAt, decimal cost, string? key = "key-a", string? team = null,
        string? user = null, string? customer = null, string group = "gpt-4o") =>
        new(Guid.CreateVersion7(), startedAt, startedAt.AddSeconds(1), CallTypes.ChatCompletion, key, team, user, customer,
            group, "deployment-1", "openai", 502, "api_connection_error", "upstream went away", 1000, true, 3, 1, cost);

    public static async Task Record(this IAlbaHost host, IEnumerable<object> events)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        foreach (var e in events)
            session.Events.StartStream(e is RequestCompleted c ? c.RequestId : ((RequestFailed)e).RequestId, e);
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Stops the async daemon, so what is appended next stays unprojected until <see cref="ResumeDaemon"/>.</summary>
    public static Task PauseDaemon(this IAlbaHost host) => host.Services.GetRequiredService<IProjectionCoordinator>().PauseAsync();

    public static Task ResumeDaemon(this IAlbaHost host) => host.Services.GetRequiredService<IProjectionCoordinator>().ResumeAsync();
}
