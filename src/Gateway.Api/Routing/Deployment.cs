using Gateway.Api.Providers;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Routing;

/// <summary>
/// One upstream model behind a model group: where it lives, how to reach it, and what its tokens cost.
/// Immutable; a config change builds a new <see cref="DeploymentTable"/>.
/// </summary>
public sealed record Deployment
{
    public required string Id { get; init; }

    /// <summary>The public name clients send as <c>model</c> (config <c>model_name</c>).</summary>
    public required string ModelGroup { get; init; }

    /// <summary>The provider prefix as written in config: <c>openai</c>, <c>groq</c>, <c>mock</c>, …</summary>
    public required string ProviderName { get; init; }

    /// <summary>The model name the upstream expects, without the provider prefix.</summary>
    public required string UpstreamModel { get; init; }

    public required Provider Provider { get; init; }

    public Uri? ApiBase { get; init; }

    /// <summary>The provider credential. Never logged, never returned by an API.</summary>
    public string? ApiKey { get; init; }

    public string? ApiVersion { get; init; }
    public string? Organization { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan? StreamTimeout { get; init; }
    public double Weight { get; init; } = 1;

    /// <summary>Whether <c>weight</c> was set; simple-shuffle uses rpm or tpm as weights when no deployment of a group sets one.</summary>
    public bool HasWeight { get; init; }

    /// <summary>Requests per minute this deployment takes (<c>rpm</c>); routing strategies keep under it.</summary>
    public long? Rpm { get; init; }

    /// <summary>Tokens per minute this deployment takes (<c>tpm</c>).</summary>
    public long? Tpm { get; init; }

    /// <summary>Lower is tried first: only the lowest order with a healthy deployment serves (<c>order</c>).</summary>
    public int? Order { get; init; }

    /// <summary>Calls this deployment takes at once (<c>max_parallel_requests</c>).</summary>
    public int? MaxParallelRequests { get; init; }

    /// <summary>Tag routing: requests with one of these tags go here; <c>default</c> takes untagged requests and unmatched tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The context window (<c>model_info.max_input_tokens</c>, else the price sheet's), for pre-call checks.</summary>
    public int? MaxInputTokens { get; init; }

    /// <summary>How long this deployment cools down after failing (<c>litellm_params.cooldown_time</c>); null: the router's.</summary>
    public TimeSpan? CooldownTime { get; init; }

    /// <summary>
    /// Served for a wildcard model name (<c>openai/*</c>): <see cref="UpstreamModel"/> holds '*' where the requested
    /// name's matching part goes (see <see cref="DeploymentTable.Find"/>).
    /// </summary>
    public bool IsPattern { get; init; }

    /// <summary>
    /// Every other <c>litellm_params</c> key as YAML typed it (provider-specific settings such as <c>aws_region_name</c>,
    /// or default request params such as <c>temperature</c>). May hold credentials: never logged.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Params { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>.Empty;

    /// <summary><c>drop_params</c> (per deployment, else <c>litellm_settings</c>): silently drop request params the provider lacks.</summary>
    public bool DropParams { get; init; }

    /// <summary>The unit prices applied to this deployment's calls, and whether any were found.</summary>
    public required ModelPrice Price { get; init; }
    public bool IsPriced { get; init; }

    /// <summary><c>chat</c>, <c>embedding</c> or <c>completion</c> when known from model_info or the price sheet.</summary>
    public string? Mode { get; init; }

    /// <summary>Added at runtime (<c>/model/new</c> or the portal) and kept in the database, rather than listed in config.yaml.</summary>
    public bool Stored { get; init; }

    /// <summary>Config-style name, e.g. <c>openai/gpt-4o</c>; what logs and headers show. Holds no secret.</summary>
    public string QualifiedModel => $"{ProviderName}/{UpstreamModel}";

    public override string ToString() => $"{ModelGroup} -> {QualifiedModel} ({Id})";
}
