using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Domain.Pricing;

/// <summary>
/// The prices the gateway charges by, per model, in LiteLLM's cost-map format. Immutable: a new sheet (merged
/// overrides, a reloaded file) is a new instance, swapped in whole, so a request always prices against one
/// consistent sheet and records that sheet's <see cref="Version"/>.
/// </summary>
public sealed class PriceSheet
{
    const string BuiltinResourceName = "Gateway.Domain.Pricing.model_prices.json";
    static readonly Lazy<PriceSheet> builtin = new(LoadBuiltin);

    readonly FrozenDictionary<string, ModelPrice> models;
    // Lets FindForModel look up "gpt-4o" inside "azure/gpt-4o" without allocating a substring per request.
    readonly FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> modelsByName;

    PriceSheet(IEnumerable<KeyValuePair<string, ModelPrice>> prices)
    {
        models = prices.ToFrozenDictionary(StringComparer.Ordinal);
        modelsByName = models.GetAlternateLookup<ReadOnlySpan<char>>();
        Version = VersionOf(models);
    }

    /// <summary>The sheet shipped inside the gateway (mock models plus the common OpenAI, Anthropic, Gemini and Mistral models).</summary>
    public static PriceSheet Builtin => builtin.Value;

    public static PriceSheet Empty { get; } = new([]);

    /// <summary>Model name (LiteLLM's key, e.g. "gpt-4o", "gemini/gemini-2.5-pro") to its prices.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Models => models;

    /// <summary>
    /// First 16 hex digits of the SHA-256 of the sheet in canonical form (keys sorted, missing values left out).
    /// The same prices give the same version wherever they came from; any price change gives another.
    /// </summary>
    public string Version { get; }

    public static PriceSheet From(IEnumerable<KeyValuePair<string, ModelPrice>> prices) => new(prices);

    /// <summary>
    /// Reads a LiteLLM cost map. A top-level "sample_spec" entry and entries that are not objects are skipped;
    /// fields other than the ones <see cref="ModelPrice"/> has are ignored.
    /// </summary>
    /// <exception cref="FormatException">The JSON is malformed, or a field has the wrong type; the message names the model and field.</exception>
    public static PriceSheet Parse(ReadOnlySpan<byte> utf8Json) => new(LiteLlmCostMap.Read(utf8Json.ToArray()));

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static PriceSheet Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new(LiteLlmCostMap.Read(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>This sheet with <paramref name="overrides"/> laid over it: an override replaces a model's whole entry.</summary>
    public PriceSheet MergedWith(PriceSheet overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        if (overrides.models.Count == 0)
            return this;
        var merged = new Dictionary<string, ModelPrice>(models, StringComparer.Ordinal);
        foreach (var (name, price) in overrides.models)
            merged[name] = price;
        return new(merged);
    }

    /// <summary>The prices of the first candidate name the sheet has; null and empty candidates are skipped.</summary>
    public ModelPrice? Find(params ReadOnlySpan<string?> candidates)
    {
        foreach (string? name in candidates)
        {
            if (!string.IsNullOrEmpty(name) && models.TryGetValue(name, out ModelPrice? price))
                return price;
        }
        return null;
    }

    /// <inheritdoc cref="Find(ReadOnlySpan{string})"/>
    public ModelPrice? Find(IEnumerable<string?> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (string? name in candidates)
        {
            if (!string.IsNullOrEmpty(name) && models.TryGetValue(name, out ModelPrice? price))
                return price;
        }
        return null;
    }

    /// <summary>
    /// The prices for a deployment. Names are tried in this order, and matching is exact (case-sensitive, no
    /// date-suffix guessing), like LiteLLM's map:
    /// <list type="number">
    /// <item><paramref name="baseModel"/> as given (<c>model_info.base_model</c>: the operator named the entry);</item>
    /// <item><paramref name="baseModel"/> after its first '/' ("azure/gpt-4o" → "gpt-4o"), then after its last '/';</item>
    /// <item><paramref name="providerModel"/> as given ("gemini/gemini-2.5-pro", "mistral/mistral-embed" are LiteLLM keys);</item>
    /// <item><paramref name="providerModel"/> after its first '/' ("openai/gpt-4o", "azure/gpt-4o" → "gpt-4o");</item>
    /// <item><paramref name="providerModel"/> after its last '/' ("openrouter/openai/gpt-4o" → "gpt-4o").</item>
    /// </list>
    /// </summary>
    public ModelPrice? FindForModel(string? baseModel, string providerModel) =>
        FindWithoutPrefixes(baseModel) ?? FindWithoutPrefixes(providerModel);

    ModelPrice? FindWithoutPrefixes(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
            return null;
        if (modelsByName.TryGetValue(name, out ModelPrice? price))
            return price;

        int firstSlash = name.IndexOf('/');
        if (firstSlash < 0)
            return null;
        if (modelsByName.TryGetValue(name[(firstSlash + 1)..], out price))
            return price;

        int lastSlash = name.LastIndexOf('/');
        if (lastSlash != firstSlash && modelsByName.TryGetValue(name[(lastSlash + 1)..], out price))
            return price;
        return null;
    }

    /// <summary>The sheet in LiteLLM's format (sorted keys, 4-space indent); <see cref="Parse(string)"/> reads it back to the same <see cref="Version"/>.</summary>
    public string ToLiteLlmJson() => Encoding.UTF8.GetString(LiteLlmCostMap.Write(models, indented: true));

    public override string ToString() => $"PriceSheet {Version} ({models.Count} models)";

    static string VersionOf(IReadOnlyDictionary<string, ModelPrice> prices)
    {
        byte[] canonical = LiteLlmCostMap.Write(prices, indented: false);
        return Convert.ToHexStringLower(SHA256.HashData(canonical))[..16];
    }

    static PriceSheet LoadBuiltin()
    {
        var assembly = typeof(PriceSheet).Assembly;
        using Stream stream = assembly.GetManifestResourceStream(BuiltinResourceName)
            ?? throw new InvalidOperationException(
                $"The built-in price sheet '{BuiltinResourceName}' is not embedded in {assembly.GetName().Name}.");
        using var content = new MemoryStream();
        stream.CopyTo(content);
        return new(LiteLlmCostMap.Read(content.GetBuffer().AsMemory(0, (int)content.Length)));
    }
}
