using System.Security.Cryptography;
using System.Text;
using Gateway.Api.Config;
using Gateway.Api.Providers;
using Gateway.Domain.Pricing;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Routing;

/// <summary>
/// Builds the <see cref="DeploymentTable"/> from config.yaml's <c>model_list</c>: resolves each provider, its base URL
/// and key (config, then the provider's environment variables, then the preset), its prices, and a stable id.
/// Mistakes stop start-up with the file, the field and why.
/// </summary>
public static partial class DeploymentTableBuilder
{
    /// <summary>What serves when config.yaml lists no models: the built-in mocks, so a newcomer can call at once.</summary>
    public static IReadOnlyList<(string ModelName, string Model, string Mode)> BuiltinMocks { get; } =
    [
        ("mock-gpt", "mock/mock-gpt", "chat"),
        ("mock-embedding", "mock/mock-embedding", "embedding"),
    ];

    public static DeploymentTable Build(
        GatewayConfig config, PriceSheet prices, ProviderCatalog catalog, Func<string, string?> environment, ILogger logger) =>
        Compose(FromConfig(config, prices, catalog, environment, logger), config, prices, logger);

    /// <summary>The deployments config.yaml lists (the built-in mocks when it lists none), each with a distinct id.</summary>
    public static IReadOnlyList<Deployment> FromConfig(
        GatewayConfig config, PriceSheet prices, ProviderCatalog catalog, Func<string, string?> environment, ILogger logger)
    {
        var deployments = new List<Deployment>();
        var ids = new HashSet<string>(StringComparer.Ordinal);

        if (config.ModelList.Count == 0)
        {
            foreach (var (name, model, mode) in BuiltinMocks)
                deployments.Add(Mock(name, model, mode, prices, catalog));
        }

        for (var i = 0; i < config.ModelList.Count; i++)
        {
            var entry = config.ModelList[i];
            var deployment = Resolve(entry, $"model_list[{i}].litellm_params", config.SourcePath ?? "config.yaml", config, prices, catalog, environment, logger);
            var id = deployment.Id;
            for (var n = 2; !ids.Add(id); n++)
                id = $"{deployment.Id}-{n}"; // two identical entries still get distinct ids
            deployments.Add(deployment with { Id = id });
        }
        return deployments;
    }

    /// <summary>The table serving <paramref name="deployments"/>: grouped by model name, with config's aliases.</summary>
    /// <param name="logger">Told about aliases that point nowhere; null when the same table was already built once.</param>
    public static DeploymentTable Compose(IEnumerable<Deployment> deployments, GatewayConfig config, PriceSheet prices, ILogger? logger)
    {
        var groups = new Dictionary<string, List<Deployment>>(StringComparer.Ordinal);
        foreach (var deployment in deployments)
            Add(groups, deployment);

        var aliases = config.Router.ModelGroupAlias;
        foreach (var (alias, target) in aliases)
        {
            if (logger is not null && !groups.ContainsKey(target.ModelGroup) && !target.ModelGroup.Contains('*', StringComparison.Ordinal))
                LogUnknownAliasTarget(logger, alias, target.ModelGroup);
        }

        return new DeploymentTable(
            groups.ToDictionary(g => g.Key, g => new ModelGroup(g.Key, g.Value.ToArray()), StringComparer.Ordinal),
            prices.Version, aliases, prices);
    }

    /// <summary>
    /// One deployment: its provider, base URL and key (its own, then the provider's environment variables, then the
    /// preset), its prices and a stable id. A mistake throws a <see cref="ConfigException"/> naming <paramref name="source"/>
    /// and <paramref name="field"/> (the path of its litellm_params).
    /// </summary>
    public static Deployment Resolve(DeploymentConfig entry, string field, string source, GatewayConfig config, PriceSheet prices,
        ProviderCatalog catalog, Func<string, string?> environment, ILogger logger)
    {
        var p = entry.Params;
        var slash = p.Model.IndexOf('/');
        var providerName = p.Model[..slash];
        var upstreamModel = p.Model[(slash + 1)..];

        var preset = catalog.Find(providerName) ?? throw Error(source, entry, $"{field}.model",
            $"unknown provider '{providerName}'. Supported here: {string.Join(", ", catalog.Names)}. " +
            "Any OpenAI-compatible server works as openai/<model> with api_base.");

        var apiBaseText = p.ApiBase ?? FirstSet(preset.ApiBaseVariables, environment) ?? preset.DefaultApiBase;
        Uri? apiBase = null;
        if (preset.Provider is not Providers.Mock.MockProvider)
        {
            if (apiBaseText is null)
                throw Error(source, entry, $"{field}.api_base",
                    $"'{providerName}' has no default endpoint; set api_base (e.g. http://localhost:8000/v1).");
            if (!Uri.TryCreate(apiBaseText, UriKind.Absolute, out apiBase) || apiBase.Scheme is not ("http" or "https"))
                throw Error(source, entry, $"{field}.api_base", $"expected an http(s) URL, got '{apiBaseText}'.");
            if (preset.BasePath is { } basePath && !apiBase.AbsolutePath.TrimEnd('/').EndsWith(basePath, StringComparison.Ordinal))
                apiBase = new Uri(apiBase.GetLeftPart(UriPartial.Path).TrimEnd('/') + basePath);
        }

        var apiKey = p.ApiKey ?? FirstSet(preset.ApiKeyVariables, environment);
        var (price, priced) = PriceFor(entry, providerName, upstreamModel, prices);
        if (!priced && !entry.ModelName.Contains('*', StringComparison.Ordinal))
            LogUnpriced(logger, entry.ModelName, p.Model);

        return new Deployment
        {
            Id = entry.Info.Id ?? StableId(entry.ModelName, p.Model, apiBaseText, apiKey),
            ModelGroup = entry.ModelName,
            ProviderName = preset.Name,
            UpstreamModel = upstreamModel,
            Provider = preset.Provider,
            ApiBase = apiBase,
            ApiKey = apiKey,
            ApiVersion = p.ApiVersion,
            Organization = p.Organization,
            Timeout = p.Timeout is { } t ? TimeSpan.FromSeconds(t) : Timeout(config),
            StreamTimeout = p.StreamTimeout is { } st ? TimeSpan.FromSeconds(st) : StreamTimeout(config),
            Weight = p.Weight ?? 1,
            HasWeight = p.Weight is not null,
            Rpm = p.Rpm,
            Tpm = p.Tpm,
            Order = p.Order,
            MaxParallelRequests = p.MaxParallelRequests,
            Tags = p.Tags,
            MaxInputTokens = entry.Info.MaxInputTokens ?? price.MaxInputTokens,
            CooldownTime = p.CooldownTime is { } cool ? TimeSpan.FromSeconds(cool) : null,
            IsPattern = entry.ModelName.Contains('*', StringComparison.Ordinal),
            Params = p.Extra,
            DropParams = p.Extra.TryGetValue("drop_params", out var drop) && drop is bool dropThis ? dropThis : config.Litellm.DropParams,
            Price = price,
            IsPriced = priced,
            Mode = entry.Info.Mode ?? price.Mode,
        };
    }

    /// <summary>
    /// The sheet's entry for <c>model_info.base_model</c> or the model, then the deployment's own
    /// <c>input_cost_per_token</c>/<c>output_cost_per_token</c> on top (LiteLLM's custom pricing).
    /// </summary>
    static (ModelPrice Price, bool Priced) PriceFor(DeploymentConfig entry, string provider, string model, PriceSheet prices)
    {
        var found = prices.FindForModel(entry.Info.BaseModel, $"{provider}/{model}") ?? prices.Find(entry.ModelName);
        var price = found ?? new ModelPrice();
        var p = entry.Params;
        if (p.InputCostPerToken is not null || p.OutputCostPerToken is not null)
        {
            price = price with
            {
                InputCostPerToken = p.InputCostPerToken ?? price.InputCostPerToken,
                OutputCostPerToken = p.OutputCostPerToken ?? price.OutputCostPerToken,
            };
        }
        var priced = found is not null || p.InputCostPerToken is not null || p.OutputCostPerToken is not null;
        return (price, priced);
    }

    static Deployment Mock(string name, string model, string mode, PriceSheet prices, ProviderCatalog catalog)
    {
        var upstream = model[(model.IndexOf('/') + 1)..];
        var price = prices.Find(upstream) ?? new ModelPrice();
        return new Deployment
        {
            Id = StableId(name, model, null, null),
            ModelGroup = name,
            ProviderName = "mock",
            UpstreamModel = upstream,
            Provider = catalog.Find("mock")!.Provider,
            Price = price,
            IsPriced = price.InputCostPerToken is not null,
            Mode = mode,
        };
    }

    /// <summary>LiteLLM hashes a deployment's params for its id; so do we, with the key hashed too so it never shows.</summary>
    static string StableId(string modelName, string model, string? apiBase, string? apiKey)
    {
        var keyHash = apiKey is null ? "" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{modelName}\n{model}\n{apiBase}\n{keyHash}"));
        return Convert.ToHexStringLower(hash)[..16];
    }

    static TimeSpan Timeout(GatewayConfig config) =>
        TimeSpan.FromSeconds(config.Router.Timeout ?? config.Litellm.RequestTimeout ?? 600);

    static TimeSpan? StreamTimeout(GatewayConfig config) =>
        config.Router.StreamTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    static string? FirstSet(string[] variables, Func<string, string?> environment)
    {
        foreach (var name in variables)
            if (environment(name) is { Length: > 0 } value)
                return value;
        return null;
    }

    static void Add(Dictionary<string, List<Deployment>> groups, Deployment deployment)
    {
        if (!groups.TryGetValue(deployment.ModelGroup, out var list))
            groups[deployment.ModelGroup] = list = [];
        list.Add(deployment);
    }

    static ConfigException Error(string source, DeploymentConfig entry, string field, string reason) =>
        new(source, field, entry.Line > 0 ? entry.Line : null, reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "router_settings.model_group_alias: {Alias} points at {ModelGroup}, which no model_list entry serves; calls to it get 400 Invalid model name.")]
    static partial void LogUnknownAliasTarget(ILogger logger, string alias, string modelGroup);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No price found for model group {ModelGroup} ({Model}); its calls are recorded at $0. Set model_info.base_model, input_cost_per_token/output_cost_per_token, or add it to the price sheet.")]
    static partial void LogUnpriced(ILogger logger, string modelGroup, string model);
}
