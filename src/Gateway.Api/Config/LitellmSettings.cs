using System.Collections.ObjectModel;

namespace Gateway.Api.Config;

/// <summary><c>litellm_settings</c>: behaviour of every call, whatever the deployment.</summary>
public sealed record LitellmSettings
{
    /// <summary>Drop request params a provider does not support instead of failing the call.</summary>
    public bool DropParams { get; init; }

    /// <summary>Budget for the whole proxy, in dollars.</summary>
    public decimal? MaxBudget { get; init; }

    /// <summary>As written, e.g. "30d"; the budget code interprets it.</summary>
    public string? BudgetDuration { get; init; }

    /// <summary>Seconds.</summary>
    public double? RequestTimeout { get; init; }

    /// <summary>
    /// The router settings LiteLLM also accepts here (num_retries, allowed_fails, fallbacks, context_window_fallbacks,
    /// content_policy_fallbacks, default_fallbacks, max_fallbacks); <c>router_settings</c> wins where both are set.
    /// </summary>
    public RouterSettings Routing { get; init; } = new();

    public IReadOnlyDictionary<string, object?> Extra { get; init; } = ReadOnlyDictionary<string, object?>.Empty;

    internal static LitellmSettings Read(ConfigMapping map) => new()
    {
        DropParams = map.Bool("drop_params") ?? false,
        MaxBudget = map.Decimal("max_budget"),
        BudgetDuration = map.Text("budget_duration"),
        RequestTimeout = map.Double("request_timeout"),
        Routing = RouterSettings.ReadShared(map),
        Extra = map.Rest(),
    };
}
