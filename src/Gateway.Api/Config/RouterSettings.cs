using System.Collections.ObjectModel;
using YamlDotNet.RepresentationModel;

namespace Gateway.Api.Config;

/// <summary>
/// <c>router_settings</c>: how a model group picks a deployment and recovers from failures. The subset LiteLLM also
/// takes from <c>litellm_settings</c> (num_retries, fallbacks, …) is read there too (<see cref="LitellmSettings.Routing"/>);
/// router_settings wins where both are set.
/// </summary>
public sealed record RouterSettings
{
    /// <summary>The strategies LiteLLM's proxy accepts; <c>usage-based-routing</c> (v1) is served as v2.</summary>
    public static readonly string[] Strategies =
        ["simple-shuffle", "least-busy", "usage-based-routing-v2", "usage-based-routing", "latency-based-routing", "cost-based-routing"];

    public string? RoutingStrategy { get; init; }

    /// <summary><c>routing_strategy_args.lowest_latency_buffer</c>: latency-based routing picks at random among deployments within this fraction of the fastest.</summary>
    public double? LowestLatencyBuffer { get; init; }

    /// <summary><c>routing_strategy_args.max_latency_list_size</c>: how many recent calls a deployment's latency averages over.</summary>
    public int? MaxLatencyListSize { get; init; }

    public int? NumRetries { get; init; }

    /// <summary>Retries per kind of error (<c>RateLimitErrorRetries</c>, …); unset kinds use <see cref="NumRetries"/>.</summary>
    public ErrorKindCounts? RetryPolicy { get; init; }

    /// <summary>LiteLLM's <c>retry_after</c>: the least time, in seconds, to wait before a retry on the same deployment.</summary>
    public double? RetryAfter { get; init; }

    /// <summary>Failures per minute before a deployment cools down.</summary>
    public int? AllowedFails { get; init; }

    /// <summary>Failures per minute per kind of error (<c>RateLimitErrorAllowedFails</c>, …); unset kinds use <see cref="AllowedFails"/>.</summary>
    public ErrorKindCounts? AllowedFailsPolicy { get; init; }

    /// <summary>Seconds.</summary>
    public double? CooldownTime { get; init; }

    public bool? DisableCooldowns { get; init; }

    /// <summary>Seconds.</summary>
    public double? Timeout { get; init; }

    /// <summary>Seconds.</summary>
    public double? StreamTimeout { get; init; }

    public IReadOnlyList<FallbackRule>? Fallbacks { get; init; }

    public IReadOnlyList<FallbackRule>? ContextWindowFallbacks { get; init; }

    public IReadOnlyList<FallbackRule>? ContentPolicyFallbacks { get; init; }

    /// <summary>Fallbacks for every group without a rule of its own in <see cref="Fallbacks"/>.</summary>
    public IReadOnlyList<string>? DefaultFallbacks { get; init; }

    public int? MaxFallbacks { get; init; }

    public IReadOnlyDictionary<string, ModelGroupAlias> ModelGroupAlias { get; init; } = ReadOnlyDictionary<string, ModelGroupAlias>.Empty;

    /// <summary>Skip deployments whose context window (<c>max_input_tokens</c>) the prompt exceeds, or whose rpm/tpm is used up.</summary>
    public bool? EnablePreCallChecks { get; init; }

    /// <summary>Route by the request's tags to deployments with a matching <c>tags</c> entry.</summary>
    public bool? EnableTagFiltering { get; init; }

    /// <summary>Everything else (redis_host, …), typed as YAML reads them.</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = ReadOnlyDictionary<string, object?>.Empty;

    internal static RouterSettings Read(ConfigMapping map)
    {
        var strategy = map.Text("routing_strategy");
        if (strategy is not null && !Strategies.Contains(strategy, StringComparer.Ordinal))
        {
            var suggestion = ConfigKeySuggestion.Closest(strategy, Strategies);
            throw map.Invalid("routing_strategy",
                $"expected one of {string.Join(", ", Strategies.Where(s => s != "usage-based-routing"))}, got '{strategy}'" +
                (suggestion is null ? "" : $" (did you mean {suggestion}?)"));
        }

        var args = map.Section("routing_strategy_args");
        var shared = ReadShared(map);
        return shared with
        {
            RoutingStrategy = strategy,
            LowestLatencyBuffer = args?.Double("lowest_latency_buffer"),
            MaxLatencyListSize = args?.Int("max_latency_list_size"),
            RetryPolicy = map.Section("retry_policy") is { } retry ? ErrorKindCounts.Read(retry, "Retries") : null,
            RetryAfter = map.Double("retry_after"),
            AllowedFailsPolicy = map.Section("allowed_fails_policy") is { } fails ? ErrorKindCounts.Read(fails, "AllowedFails") : null,
            CooldownTime = map.Double("cooldown_time"),
            DisableCooldowns = map.Bool("disable_cooldowns"),
            Timeout = map.Double("timeout"),
            StreamTimeout = map.Double("stream_timeout"),
            ModelGroupAlias = ReadAliases(map),
            EnablePreCallChecks = map.Bool("enable_pre_call_checks"),
            EnableTagFiltering = map.Bool("enable_tag_filtering"),
            Extra = map.Rest(),
        };
    }

    /// <summary>The router settings LiteLLM also reads from <c>litellm_settings</c> (they become <c>litellm.&lt;name&gt;</c> there).</summary>
    internal static RouterSettings ReadShared(ConfigMapping map) => new()
    {
        NumRetries = map.Int("num_retries"),
        AllowedFails = map.Int("allowed_fails"),
        Fallbacks = ReadFallbacks(map, "fallbacks"),
        ContextWindowFallbacks = ReadFallbacks(map, "context_window_fallbacks"),
        ContentPolicyFallbacks = ReadFallbacks(map, "content_policy_fallbacks"),
        DefaultFallbacks = map.NodeOf("default_fallbacks") is null ? null : map.TextList("default_fallbacks"),
        MaxFallbacks = map.Int("max_fallbacks"),
    };

    /// <summary>
    /// LiteLLM's shape: a list of one-key mappings, <c>[{gpt-4o: [claude-sonnet, gpt-4o-mini]}]</c>. As LiteLLM does, a
    /// mapping with several keys is refused (each rule is its own list item).
    /// </summary>
    static IReadOnlyList<FallbackRule>? ReadFallbacks(ConfigMapping map, string key)
    {
        if (map.Take(key) is not { } node)
            return null;
        if (ConfigMapping.IsEmpty(node))
            return [];

        var context = map.Context;
        var field = map.FieldOf(key);
        const string example = "e.g. [{gpt-4o: [claude-sonnet]}]";
        if (node is not YamlSequenceNode list)
            throw context.Error(node, field, $"expected a list of {{model group: [fallback groups]}} mappings, {example}, got {ConfigReadContext.Describe(node)}");

        var rules = new List<FallbackRule>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var itemField = $"{field}[{i}]";
            if (list.Children[i] is not YamlMappingNode item)
                throw context.Error(list.Children[i], itemField, $"expected a mapping of one model group to its fallbacks, {example}, got {ConfigReadContext.Describe(list.Children[i])}");
            var entries = ConfigMapping.EntriesOf(context, item, itemField, 1);
            if (entries.Count != 1)
                throw context.Error(item, itemField, $"must have exactly one key (the model group), but has {entries.Count}; give each group its own list item, {example}");

            var entry = entries[0];
            var targets = new List<string>();
            var targetsField = $"{itemField}.{entry.Key}";
            switch (entry.Value)
            {
                case YamlSequenceNode sequence:
                    for (var j = 0; j < sequence.Children.Count; j++)
                        if (context.Scalar(sequence.Children[j], $"{targetsField}[{j}]", "a model group name").Text is { } target)
                            targets.Add(target);
                    break;
                case YamlScalarNode:
                    if (context.Scalar(entry.Value, targetsField, "a model group name").Text is { } single)
                        targets.Add(single);
                    break;
                default:
                    throw context.Error(entry.Value, targetsField, $"expected a list of model group names, got {ConfigReadContext.Describe(entry.Value)}");
            }
            rules.Add(new FallbackRule(entry.Key, [.. targets]));
        }
        return [.. rules];
    }

    /// <summary><c>{alias: group}</c> or <c>{alias: {model: group, hidden: true}}</c>.</summary>
    static IReadOnlyDictionary<string, ModelGroupAlias> ReadAliases(ConfigMapping map)
    {
        if (map.Section("model_group_alias") is not { } section)
            return ReadOnlyDictionary<string, ModelGroupAlias>.Empty;

        var aliases = new Dictionary<string, ModelGroupAlias>(StringComparer.Ordinal);
        foreach (var entry in section.Entries)
        {
            var field = section.FieldOf(entry.Key);
            if (entry.Value is YamlMappingNode)
            {
                var target = ConfigMapping.Of(section.Context, entry.Value, field, "a mapping with model and hidden");
                var group = target.RequiredText("model", "is missing; name the model group this alias stands for");
                aliases[entry.Key] = new ModelGroupAlias(group, target.Bool("hidden") ?? false);
                if (target.Rest().Keys.FirstOrDefault() is { } unknown)
                    throw target.Invalid(unknown, "unknown key; an alias takes model and hidden");
            }
            else if (section.Context.Scalar(entry.Value, field, "a model group name").Text is { Length: > 0 } group)
            {
                aliases[entry.Key] = new ModelGroupAlias(group);
            }
        }
        return aliases.AsReadOnly();
    }

    /// <summary>router_settings first, then what litellm_settings says.</summary>
    public RouterSettings Over(RouterSettings shared) => this with
    {
        NumRetries = NumRetries ?? shared.NumRetries,
        AllowedFails = AllowedFails ?? shared.AllowedFails,
        Fallbacks = Fallbacks ?? shared.Fallbacks,
        ContextWindowFallbacks = ContextWindowFallbacks ?? shared.ContextWindowFallbacks,
        ContentPolicyFallbacks = ContentPolicyFallbacks ?? shared.ContentPolicyFallbacks,
        DefaultFallbacks = DefaultFallbacks ?? shared.DefaultFallbacks,
        MaxFallbacks = MaxFallbacks ?? shared.MaxFallbacks,
    };
}
