using System.Text.Json;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Budgets;
using Gateway.Domain.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Api.Tests.Budgets;

/// <summary>
/// Soft and hard budget alerts are recorded once per scope and window and delivered to the webhook once, through
/// retries; windows reset on the (controlled) clock.
/// </summary>
public sealed class BudgetAlertTests(PostgresFixture postgres) : IAsyncLifetime
{
    readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    WebhookReceiver _receiver = null!;
    IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        _host = await GatewayTestHost.StartAsync(postgres, """
            model_list:
              - model_name: mock-gpt
                litellm_params: { model: mock/mock-gpt }
            general_settings:
              alerting: ["webhook"]
            """,
            new Dictionary<string, string?>
            {
                ["WEBHOOK_URL"] = _receiver.Url.ToString(),
                ["GATEWAY_WEBHOOK_RETRY_DELAYS"] = "0.1,0.2,0.5",
            },
            services => services.AddSingleton<TimeProvider>(_clock));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    /// <summary>Issues a key through the admin API (on the controlled clock); its plaintext, hash and budget scope.</summary>
    async Task<(string Key, string Hash, BudgetScope Scope)> GenerateKey(object body)
    {
        var key = (await _host.AdminPost("/key/generate", body)).GetProperty("key").GetString()!;
        var hash = KeyPlaintext.Hash(key);
        await using var session = _host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var id = (await Marten.QueryableExtensions.SingleAsync(session.Query<VirtualKey>().Where(k => k.KeyHash == hash), TestContext.Current.CancellationToken)).Id;
        return (key, hash, BudgetScope.ForKey(id));
    }

    [Fact]
    public async Task crossing_soft_and_hard_budgets_is_recorded_once_and_each_webhook_arrives_once_through_retries()
    {
        var oneCall = (await _host.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        var (key, hash, scope) = await GenerateKey(new { max_budget = oneCall * 1.5m, soft_budget = oneCall * 0.5m, key_alias = "ci-bot" });

        Assert.Equal(200, (await _host.Chat(key)).Context.Response.StatusCode);
        for (var i = 0; i < 3; i++)
            Assert.Equal(400, (await _host.Chat(key)).Context.Response.StatusCode);

        var deliveries = await _receiver.WaitForAsync(2);
        await Task.Delay(1500, TestContext.Current.CancellationToken); // room for a duplicate to show up, were there one
        Assert.Equal(2, _receiver.Accepted.Count);
        Assert.True(_receiver.Attempts >= 4, "the first two attempts were refused and retried");
        Assert.Equal(2, deliveries.Select(d => d.IdempotencyKey).Distinct().Count());

        var crossed = Assert.Single(deliveries, d => d.Body.GetProperty("event").GetString() == "budget_crossed").Body;
        Assert.Equal("key", crossed.GetProperty("event_group").GetString());
        Assert.Equal(hash, crossed.GetProperty("token").GetString());
        Assert.Equal("ci-bot", crossed.GetProperty("key_alias").GetString());
        Assert.Equal(oneCall * 1.5m, crossed.GetProperty("max_budget").GetDecimal());
        Assert.Equal(oneCall, crossed.GetProperty("spend").GetDecimal());
        var soft = Assert.Single(deliveries, d => d.Body.GetProperty("event").GetString() == "soft_budget_crossed").Body;
        Assert.Equal(oneCall * 0.5m, soft.GetProperty("soft_budget").GetDecimal());
        Assert.DoesNotContain(key, crossed.GetRawText()); // the plaintext key never leaves

        var exceeded = Assert.Single(await _host.Events<BudgetExceeded>());
        Assert.Equal(scope, exceeded.Scope);
        Assert.Single(await _host.Events<SoftBudgetCrossed>());
    }

    [Fact]
    public async Task a_windowed_budget_resets_when_the_clock_passes_the_window_and_the_reset_is_recorded()
    {
        var oneCall = (await _host.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        var (key, _, scope) = await GenerateKey(new { max_budget = oneCall * 1.5m, budget_duration = "30s" });

        Assert.Equal(200, (await _host.Chat(key)).Context.Response.StatusCode);
        Assert.Equal(400, (await _host.Chat(key)).Context.Response.StatusCode);

        _clock.Advance(TimeSpan.FromSeconds(31));
        var reset = await Eventually(async () => (await _host.Events<BudgetWindowReset>()).SingleOrDefault(e => e.Scope == scope));
        Assert.Equal(oneCall, reset.Spend);

        var again = await _host.Chat(key);
        Assert.Equal(200, again.Context.Response.StatusCode);
        Assert.Equal(again.ResponseCost(), decimal.Parse(again.Context.Response.Headers["x-litellm-key-spend"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(400, (await _host.Chat(key)).Context.Response.StatusCode);

        // A second window's exhaustion is a second alert; the first window's alert is not repeated.
        Assert.Equal(2, (await Eventually(async () =>
        {
            var all = (await _host.Events<BudgetExceeded>()).Where(e => e.Scope == scope).ToList();
            return all.Count == 2 ? all : null;
        })).Count);
    }

    static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await probe() is { } found)
                return found;
            Assert.True(DateTime.UtcNow < deadline, "the expected event did not arrive in time");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
