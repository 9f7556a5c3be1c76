using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;

namespace Gateway.Domain.Audit;

/// <summary>
/// Another price sheet to recompute recorded calls with ("what would October have cost under the new contract?").
/// A call is priced as a gateway charging by <see cref="Sheet"/> would have priced it: by its deployment's entry when
/// the host can say which one that is (<c>model_info.base_model</c> and per-deployment costs in config.yaml), else by
/// its provider and model (<c>openai/gpt-4o</c>, then <c>gpt-4o</c>), else by its model group. A call the sheet does
/// not price keeps the prices it recorded, and the report says which models those were.
/// </summary>
public sealed class Repricing
{
    readonly IReadOnlyDictionary<string, ModelPrice> _byDeployment;
    // Millions of calls share a handful of (deployment, provider, model, group) combinations: look each up once.
    readonly Dictionary<(string Deployment, string Provider, string Model, string Group), ModelPrice?> _cache = [];

    /// <param name="byDeployment">Deployment id to its price under <paramref name="sheet"/>, from the host's model list (may be empty).</param>
    public Repricing(PriceSheet sheet, IReadOnlyDictionary<string, ModelPrice>? byDeployment = null)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        Sheet = sheet;
        _byDeployment = byDeployment ?? new Dictionary<string, ModelPrice>();
    }

    public PriceSheet Sheet { get; }

    /// <summary>The call's prices under <see cref="Sheet"/>, or null when the sheet has none for it.</summary>
    public ModelPrice? PriceOf(RequestCompleted call)
    {
        var key = (call.DeploymentId, call.Provider, call.Model, call.ModelGroup);
        if (_cache.TryGetValue(key, out var cached))
            return cached;
        var price = _byDeployment.GetValueOrDefault(call.DeploymentId)
            ?? Sheet.FindForModel(null, $"{call.Provider}/{call.Model}")
            ?? Sheet.Find(call.ModelGroup);
        _cache[key] = price;
        return price;
    }
}
