using System.Text.Json;
using Alba;
using Gateway.Api.Routing;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Routing;

/// <summary>GET /health probes every deployment (admins only); background checks record health changes.</summary>
public sealed class HealthCheckTests(PostgresFixture postgres) : IAsyncLifetime
{
    FaultyOpenAI _upstream = null!;
    IAlbaHost? _host;

    public async ValueTask InitializeAsync() => _upstream = await FaultyOpenAI.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    async Task<IAlbaHost> Gateway(string general = "")
    {
        string Deployment(string name, string behaviour) => $$"""
              - model_name: {{name}}
                litellm_params: {model: openai/gpt-4o-mini, api_base: "{{_upstream.ApiBase(name, behaviour)}}", api_key: sk-upstream-secret}
                model_info: {id: {{name}}}
            """;
        _host = await GatewayTestHost.StartAsync(postgres, "model_list:\n" + string.Join("\n",
            Deployment("fine", "ok"), Deployment("broken", "down"), Deployment("locked", "unauthorized"), Deployment("recovering", "fails-1"))
            + "\n" + general);
        return _host;
    }

    static async Task<JsonElement> Health(IAlbaHost host, string url = "/health", string? key = null)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            if (key is null)
                s.WithMasterKey();
            else
                s.WithRequestHeader("Authorization", $"Bearer {key}");
            s.IgnoreStatusCode();
        });
        var text = await result.ReadAsTextAsync();
        Assert.DoesNotContain("sk-upstream-secret", text, StringComparison.Ordinal);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    static string[] Ids(JsonElement endpoints) => endpoints.EnumerateArray().Select(e => e.GetProperty("model_id").GetString()!).Order().ToArray();

    [Fact]
    public async Task every_deployment_is_probed_and_listed_as_healthy_or_not_with_why()
    {
        var host = await Gateway();

        var health = await Health(host);

        Assert.Equal(["fine"], Ids(health.GetProperty("healthy_endpoints")));
        Assert.Equal(["broken", "locked", "recovering"], Ids(health.GetProperty("unhealthy_endpoints")));
        Assert.Equal((1, 3), (health.GetProperty("healthy_count").GetInt32(), health.GetProperty("unhealthy_count").GetInt32()));
        var locked = health.GetProperty("unhealthy_endpoints").EnumerateArray().Single(e => e.GetProperty("model_id").GetString() == "locked");
        Assert.Contains("Incorrect API key", locked.GetProperty("error").GetString());
        Assert.Equal("openai/gpt-4o-mini", locked.GetProperty("model").GetString());
        Assert.Equal(1, _upstream.Calls("fine"));
    }

    [Fact]
    public async Task a_model_narrows_the_check_to_its_group()
    {
        var host = await Gateway();

        var health = await Health(host, "/health?model=fine");

        Assert.Equal(["fine"], Ids(health.GetProperty("healthy_endpoints")));
        Assert.Equal(0, health.GetProperty("unhealthy_count").GetInt32());
        Assert.Equal(0, _upstream.Calls("broken"));
    }

    [Fact]
    public async Task only_admins_may_run_it()
    {
        var host = await Gateway();
        var (key, _) = await host.IssuedKey();

        var refused = await Health(host, key: key);

        Assert.Equal("permission_error", refused.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(0, _upstream.Calls("fine"));
    }

    [Fact]
    public async Task background_checks_answer_health_from_their_last_round_and_record_changes()
    {
        var host = await Gateway("general_settings: {background_health_checks: true, health_check_interval: 3600}");
        var checks = host.Services.GetRequiredService<BackgroundHealthChecks>();
        for (var i = 0; i < 500 && checks.Latest is null; i++)
            await Task.Delay(10, TestContext.Current.CancellationToken);
        Assert.NotNull(checks.Latest);

        var health = await Health(host);
        Assert.Equal(["broken", "locked", "recovering"], Ids(health.GetProperty("unhealthy_endpoints")));
        Assert.Equal(1, _upstream.Calls("fine")); // answered from the round, not probed again

        await checks.RoundAsync(TestContext.Current.CancellationToken); // "recovering" answers this time

        var changes = await host.Events<DeploymentHealthChanged>();
        Assert.Equal(["broken:False", "locked:False", "recovering:False", "recovering:True"],
            changes.Select(c => $"{c.DeploymentId}:{c.Healthy}").Order());
        Assert.DoesNotContain(changes, c => c.DeploymentId == "fine");
    }
}
