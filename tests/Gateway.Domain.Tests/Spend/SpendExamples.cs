using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;
using JasperFx.Events;

namespace Gateway.Domain.Tests.Spend;

public static class SpendExamples
{
    public static readonly DateTimeOffset Started = new(2025, 5, 10, 14, 30, 0, TimeSpan.Zero);

    public static RequestCompleted Served(decimal cost = 0.0021m, string? key = "hash-a", string? team = "team-1",
        string? user = "alice", string? customer = "acme", string group = "gpt-4o", int status = 200, DateTimeOffset? startedAt = null) =>
        new(Guid.CreateVersion7(), startedAt ?? Started, (startedAt ?? Started).AddMilliseconds(1500), CallTypes.ChatCompletion,
            key, team, user, customer, group, "azure-eu", "azure", "gpt-4o-2024-08-06", "https://eu.example.test/openai",
            120, 30, 40, 8, 5, cost, new ModelPrice(), "sheet-7", 1500, 320, true, status, false);

    public static RequestFailed Refused(decimal cost = 0m, string? deployment = "azure-eu", string? group = "gpt-4o",
        string? key = "hash-a", string? team = "team-1", string? user = "alice", string? customer = "acme") =>
        new(Guid.CreateVersion7(), Started, Started.AddMilliseconds(80), CallTypes.ChatCompletion, key, team, user, customer,
            group, deployment, deployment is null ? null : "azure", 429, "rate_limit_error", "Rate limit exceeded", 80, false,
            cost == 0 ? 0 : 12, cost == 0 ? 0 : 3, cost);

    public static IEvent<T> Recorded<T>(T data, long sequence) where T : notnull => new Event<T>(data) { Sequence = sequence };
}
