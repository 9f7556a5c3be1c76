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

    /// <summary>Config-style name, e.g. <c>openai/gpt-4o</c>; what logs and headers show. Holds no secret.</summary>
    public string QualifiedModel => $"{ProviderName}/{UpstreamModel}";

    public override string ToString() => $"{ModelGroup} -> {QualifiedModel} ({Id})";
}
