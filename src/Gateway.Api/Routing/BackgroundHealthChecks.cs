using System.Collections.Concurrent;
using Gateway.Api.Config;
using Gateway.Api.Events;
using Gateway.Domain.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Routing;

/// <summary>
/// LiteLLM's <c>general_settings.background_health_checks: true</c>: every <c>health_check_interval</c> seconds (300 by
/// default) each deployment is probed (<see cref="DeploymentProbe"/>); <c>GET /health</c> then answers from the last
/// round instead of probing, and a deployment whose health changes is recorded (<see cref="DeploymentHealthChanged"/>).
/// </summary>
public sealed partial class BackgroundHealthChecks(DeploymentCatalog deployments, GeneralSettings settings, TimeProvider time, EventQueue events,
    ILogger<BackgroundHealthChecks> logger) : BackgroundService
{
    public const double DefaultIntervalSeconds = 300;

    readonly ConcurrentDictionary<string, bool> _healthy = new(StringComparer.Ordinal);

    public bool Enabled { get; } = settings.Extra.GetValueOrDefault("background_health_checks") is true or "true" or "True";

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(settings.Extra.GetValueOrDefault("health_check_interval") switch
    {
        long seconds and > 0 => seconds,
        double seconds and > 0 => seconds,
        string text when double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0 => seconds,
        _ => DefaultIntervalSeconds,
    });

    /// <summary>The last round's results; null before the first round ends, or when background checks are off.</summary>
    public IReadOnlyList<ProbeResult>? Latest { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await RoundAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: probe every deployment, keep the results, record the changes.</summary>
    internal async Task RoundAsync(CancellationToken ct)
    {
        var results = await DeploymentProbe.ProbeAllAsync(deployments.Current.Groups.Values, time, ct);
        foreach (var result in results)
        {
            var deployment = result.Deployment;
            var known = _healthy.TryGetValue(deployment.Id, out var was);
            _healthy[deployment.Id] = result.Healthy;
            // A first check that finds it healthy is no news; every later change is.
            if (known ? was == result.Healthy : result.Healthy)
                continue;
            if (!result.Healthy)
                LogUnhealthy(logger, deployment.ToString(), result.Error ?? "");
            events.TryEnqueue(Guid.CreateVersion7(), new DeploymentHealthChanged(
                deployment.Id, deployment.ModelGroup, deployment.QualifiedModel, deployment.ApiBase?.GetLeftPart(UriPartial.Path),
                result.Healthy, result.Error is { Length: > 500 } message ? message[..500] : result.Error, result.At));
        }
        Latest = results;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check: {Deployment} is unhealthy: {Error}")]
    static partial void LogUnhealthy(ILogger logger, string deployment, string error);
}
