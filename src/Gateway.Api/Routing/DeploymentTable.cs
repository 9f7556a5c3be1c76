using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using Gateway.Api.Config;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Routing;

/// <summary>
/// An immutable snapshot of the model groups the gateway serves, looked up by public model name: the group of that
/// name, else an alias (<c>model_group_alias</c>), else a wildcard group (<c>openai/*</c>, <c>*</c>) whose pattern
/// matches, most specific pattern first.
/// </summary>
public sealed class DeploymentTable
{
    // Names matched by a wildcard are remembered, but not without bound: clients choose them.
    const int MaxRememberedMatches = 1024;

    readonly (string[] Parts, ModelGroup Group)[] _patterns;
    readonly PriceSheet _prices;
    readonly ConcurrentDictionary<string, ModelGroup> _matched = new(StringComparer.Ordinal);

    public DeploymentTable(IReadOnlyDictionary<string, ModelGroup> groups, string priceSheetVersion,
        IReadOnlyDictionary<string, ModelGroupAlias>? aliases = null, PriceSheet? prices = null)
    {
        Groups = groups;
        PriceSheetVersion = priceSheetVersion;
        Aliases = aliases ?? ReadOnlyDictionary<string, ModelGroupAlias>.Empty;
        _prices = prices ?? PriceSheet.Empty;
        _patterns = groups.Values
            .Where(g => g.Name.Contains('*', StringComparison.Ordinal))
            .Select(g => (g.Name.Split('*'), g))
            // The pattern with the most fixed characters is the most specific; LiteLLM tries it first too.
            .OrderByDescending(p => p.Item1.Sum(part => part.Length))
            .ThenBy(p => p.g.Name, StringComparer.Ordinal)
            .ToArray();
    }

    public IReadOnlyDictionary<string, ModelGroup> Groups { get; }

    /// <summary>Other names for groups (<c>router_settings.model_group_alias</c>).</summary>
    public IReadOnlyDictionary<string, ModelGroupAlias> Aliases { get; }

    /// <summary>The version of the price sheet the deployments' prices came from; recorded on every call.</summary>
    public string PriceSheetVersion { get; }

    /// <summary>What <c>/v1/models</c> lists: every group and every alias that is not hidden.</summary>
    public IEnumerable<string> ModelNames => Groups.Keys.Concat(Aliases.Where(a => !a.Value.Hidden).Select(a => a.Key)).Distinct(StringComparer.Ordinal);

    public ModelGroup? Find(string model)
    {
        if (Groups.TryGetValue(model, out var group))
            return group;
        if (Aliases.TryGetValue(model, out var alias) && alias.ModelGroup != model)
            return Find(alias.ModelGroup);
        return _patterns.Length == 0 ? null : FindPattern(model);
    }

    ModelGroup? FindPattern(string model)
    {
        if (_matched.TryGetValue(model, out var known))
            return known;

        foreach (var (parts, pattern) in _patterns)
        {
            if (Match(model, parts) is not { } captured)
                continue;
            var group = new ModelGroup(model, pattern.Deployments.Select(d => Resolve(d, model, captured)).ToArray()) { Pattern = pattern.Name };
            if (_matched.Count < MaxRememberedMatches)
                _matched.TryAdd(model, group);
            return group;
        }
        return null;
    }

    /// <summary>
    /// The deployment that serves <paramref name="captured"/>: each '*' of its model takes the next captured part, as
    /// LiteLLM fills <c>openai/*</c> from <c>openai/gpt-4o</c>; its price is looked up for the model it becomes.
    /// </summary>
    Deployment Resolve(Deployment deployment, string model, string[] captured)
    {
        if (!deployment.IsPattern || !deployment.UpstreamModel.Contains('*', StringComparison.Ordinal))
            return deployment with { ModelGroup = model };

        var pieces = deployment.UpstreamModel.Split('*');
        var filled = new System.Text.StringBuilder(pieces[0]);
        for (var i = 1; i < pieces.Length; i++)
            filled.Append(captured.Length == 0 ? "" : captured[Math.Min(i - 1, captured.Length - 1)]).Append(pieces[i]);
        var upstream = filled.ToString();

        var found = _prices.FindForModel(null, $"{deployment.ProviderName}/{upstream}");
        var price = found is null ? deployment.Price : MergeCustomPrice(found, deployment);
        return deployment with
        {
            ModelGroup = model,
            UpstreamModel = upstream,
            Price = price,
            IsPriced = deployment.IsPriced || found is not null,
            Mode = deployment.Mode ?? price.Mode,
            MaxInputTokens = deployment.MaxInputTokens ?? price.MaxInputTokens,
        };
    }

    /// <summary>A wildcard deployment's own per-token prices still win over the sheet's.</summary>
    static ModelPrice MergeCustomPrice(ModelPrice found, Deployment pattern) => pattern.IsPriced
        ? found with
        {
            InputCostPerToken = pattern.Price.InputCostPerToken ?? found.InputCostPerToken,
            OutputCostPerToken = pattern.Price.OutputCostPerToken ?? found.OutputCostPerToken,
        }
        : found;

    /// <summary>The parts of <paramref name="model"/> the '*'s of a pattern stand for, or null when it does not match.</summary>
    static string[]? Match(string model, string[] parts)
    {
        if (!model.StartsWith(parts[0], StringComparison.Ordinal) || !model.EndsWith(parts[^1], StringComparison.Ordinal)
            || model.Length < parts[0].Length + parts[^1].Length)
            return null;

        var captured = new string[parts.Length - 1];
        var at = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var next = model.IndexOf(parts[i], at, StringComparison.Ordinal);
            if (next < 0 || next > model.Length - parts[^1].Length)
                return null;
            captured[i - 1] = model[at..next];
            at = next + parts[i].Length;
        }
        captured[^1] = model[at..(model.Length - parts[^1].Length)];
        return captured;
    }
}
