using System.Diagnostics;
using Gateway.Api.Hosting;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;

// Seeds synthetic RequestCompleted events into a scratch event store, for timing `gateway audit` (see run.sh).
//   AuditBench seed --home DIR --events N [--first N]   (starts the private cluster under DIR and leaves it running)
//   AuditBench doubled                                   (prints the built-in sheet with every price doubled)
//   AuditBench stop --home DIR
// With DATABASE_URL set, seeds that database instead (it must be a scratch one).
var verb = args.FirstOrDefault();
string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
var home = Option("home", Path.Combine(Path.GetTempPath(), "audit-bench"));

if (verb == "stop")
{
    await (await EmbeddedPostgres.StartAsync(home, NullLogger.Instance, CancellationToken.None)).StopAsync();
    return 0;
}
if (verb == "doubled")
{
    // The built-in sheet (the seeded calls' prices) with every price doubled, for `audit --prices`.
    static decimal? Twice(decimal? price) => price * 2;
    Console.WriteLine(PriceSheet.From(PriceSheet.Builtin.Models.Select(m => KeyValuePair.Create(m.Key, m.Value with
    {
        InputCostPerToken = Twice(m.Value.InputCostPerToken),
        OutputCostPerToken = Twice(m.Value.OutputCostPerToken),
        OutputCostPerReasoningToken = Twice(m.Value.OutputCostPerReasoningToken),
        CacheReadInputTokenCost = Twice(m.Value.CacheReadInputTokenCost),
        CacheCreationInputTokenCost = Twice(m.Value.CacheCreationInputTokenCost),
        InputCostPerTokenAbove200kTokens = Twice(m.Value.InputCostPerTokenAbove200kTokens),
        OutputCostPerTokenAbove200kTokens = Twice(m.Value.OutputCostPerTokenAbove200kTokens),
    }))).ToLiteLlmJson());
    return 0;
}
if (verb != "seed")
{
    Console.Error.WriteLine("usage: AuditBench seed --home DIR --events N [--first N] | AuditBench doubled | AuditBench stop --home DIR");
    return 2;
}

var events = long.Parse(Option("events", "1000000"), System.Globalization.CultureInfo.InvariantCulture);
var first = long.Parse(Option("first", "0"), System.Globalization.CultureInfo.InvariantCulture);
var connectionString = Environment.GetEnvironmentVariable("DATABASE_URL") is { Length: > 0 } url
    ? DatabaseUrl.ToNpgsqlConnectionString(url)
    : (await EmbeddedPostgres.StartAsync(home, NullLogger.Instance, CancellationToken.None)).ConnectionString;

using var store = DocumentStore.For(options =>
{
    options.Connection(connectionString);
    options.ConfigureGateway();
    options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
    options.Events.MetadataConfig.HeadersEnabled = true;
    options.Projections.AsyncMode = JasperFx.Events.Daemon.DaemonMode.ExternallyManaged; // seeding only
});
await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

// 100 keys over 10 teams, five models at their built-in prices, calls spread evenly over October 2025.
string[] models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gpt-4.1-mini", "mock-gpt"];
var prices = models.Select(m => PriceSheet.Builtin.Find(m) ?? throw new InvalidOperationException($"{m} is not in the built-in sheet")).ToArray();
var keys = Enumerable.Range(0, 100).Select(i => KeyPlaintext.Hash($"sk-bench-{i:D3}")).ToArray();
var october = new DateTimeOffset(2025, 10, 1, 0, 0, 0, TimeSpan.Zero);
var span = TimeSpan.FromDays(31).Ticks;
const int Batch = 10_000;

var clock = Stopwatch.StartNew();
decimal total = 0;
for (var start = first; start < first + events; start += Batch)
{
    var count = (int)Math.Min(Batch, first + events - start);
    var streams = new List<StreamAction>(count);
    for (var i = start; i < start + count; i++)
    {
        // Deterministic per index, so reruns and the total are reproducible.
        var random = new Random((int)(i % int.MaxValue));
        var model = (int)(i % models.Length);
        var key = (int)(i / 7 % keys.Length);
        // Scattered over the month whatever N is: slot (i × a prime) mod a million of October's 31 days.
        var startedAt = october.AddTicks(span / 1_000_000 * (i * 7919 % 1_000_000) + random.Next(0, 1000));
        var prompt = random.Next(10, 4000);
        var completion = random.Next(1, 1000);
        var cached = random.Next(0, prompt / 2);
        var cost = CostCalculator.Compute(new TokenUsage(prompt, completion, cached), prices[model]);
        total += cost;
        var id = Guid.CreateVersion7();
        streams.Add(StreamAction.Start(store.Events, id, new RequestCompleted(
            id, startedAt, startedAt.AddMilliseconds(800), CallTypes.ChatCompletion, keys[key], $"team-{key % 10}", null,
            i % 3 == 0 ? $"customer-{i % 50}" : null, models[model], $"dep-{models[model]}", "openai", models[model],
            "https://api.example.test/v1", prompt, completion, cached, 0, 0, cost, prices[model], PriceSheet.Builtin.Version,
            800, null, false, 200, false)));
    }
    await store.BulkInsertEventsAsync(streams, Batch);
}
Console.WriteLine($"seeded {events} RequestCompleted events in {clock.Elapsed.TotalSeconds:F1} s "
    + $"({events / clock.Elapsed.TotalSeconds:F0}/s), costing {total} in all");
return 0;
