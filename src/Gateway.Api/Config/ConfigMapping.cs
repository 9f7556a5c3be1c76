using System.Collections.ObjectModel;
using System.Numerics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Api.Config;

/// <summary>
/// A YAML mapping at a known path, read key by key into typed values. It remembers which keys were
/// read so that <see cref="Rest"/> can keep every other key as an untyped extra.
/// </summary>
internal sealed class ConfigMapping
{
    // Anchors can refer to themselves; nothing in a sane config nests this deep.
    internal const int MaxDepth = 64;

    private const string MergeKey = "<<";

    private readonly ConfigReadContext context;
    private readonly IReadOnlyList<ConfigEntry> entries;
    private readonly Dictionary<string, ConfigEntry> byKey;
    private readonly HashSet<string> taken = new(StringComparer.Ordinal);

    private ConfigMapping(ConfigReadContext context, YamlMappingNode node, string path, int depth)
    {
        this.context = context;
        Node = node;
        Path = path;
        entries = EntriesOf(context, node, path, depth);
        byKey = entries.ToDictionary(e => e.Key, StringComparer.Ordinal);
    }

    public YamlMappingNode Node { get; }

    /// <summary>The read this mapping belongs to, for settings with a shape of their own (e.g. router fallbacks).</summary>
    internal ConfigReadContext Context => context;

    /// <summary>Where this mapping sits, e.g. <c>model_list[2].litellm_params</c>; empty for the top level.</summary>
    public string Path { get; }

    public int Line => ConfigReadContext.LineOf(Node) ?? 0;

    public IReadOnlyList<ConfigEntry> Entries => entries;

    /// <summary>The mapping at <paramref name="node"/>; anything else is an error naming <paramref name="expected"/>.</summary>
    public static ConfigMapping Of(ConfigReadContext context, YamlNode node, string path, string expected) =>
        node is YamlMappingNode mapping
            ? new ConfigMapping(context, mapping, path, 0)
            : throw context.Error(node, path, $"expected {expected}, got {ConfigReadContext.Describe(node)}");

    public string FieldOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The value node of <paramref name="key"/> without marking it read.</summary>
    public YamlNode? NodeOf(string key) => byKey.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>The value node of <paramref name="key"/>, marked read so it stays out of <see cref="Rest"/>.</summary>
    public YamlNode? Take(string key)
    {
        taken.Add(key);
        return NodeOf(key);
    }

    /// <summary>A required key is absent; suggests a present key that looks like a typo of it.</summary>
    public ConfigException Missing(string key, string reason)
    {
        var typo = ConfigKeySuggestion.Closest(key, entries.Select(e => e.Key).Where(k => !taken.Contains(k)));
        var hint = typo is null ? "" : $" (is '{typo}' a typo of it?)";
        return new ConfigException(context.SourceName, FieldOf(key), Line, reason + hint);
    }

    /// <summary>The value of <paramref name="key"/> is unacceptable; points at the value's line.</summary>
    public ConfigException Invalid(string key, string reason) =>
        NodeOf(key) is { } node
            ? context.Error(node, FieldOf(key), reason)
            : new ConfigException(context.SourceName, FieldOf(key), Line, reason);

    public string? Text(string key) =>
        Take(key) is { } node ? context.Scalar(node, FieldOf(key), "text").Text : null;

    public string RequiredText(string key, string reasonWhenMissing)
    {
        var node = Take(key) ?? throw Missing(key, reasonWhenMissing);
        var text = context.Scalar(node, FieldOf(key), "text", required: true).Text;
        return string.IsNullOrWhiteSpace(text) ? throw context.Error(node, FieldOf(key), "is empty") : text;
    }

    // Every number in this file is a count, a size, a duration, a weight or a price: none may be negative.
    public long? Long(string key) => Number<long>(key, "a whole number", ConfigScalar.TryParseLong);

    public int? Int(string key) => Number<int>(key, "a whole number", TryParseInt);

    public double? Double(string key) => Number<double>(key, "a number", ConfigScalar.TryParseDouble);

    public decimal? Decimal(string key) => Number<decimal>(key, "a number", ConfigScalar.TryParseDecimal);

    public bool? Bool(string key)
    {
        if (Take(key) is not { } node)
        {
            return null;
        }

        var scalar = context.Scalar(node, FieldOf(key), "true or false");
        if (scalar.Text is null)
        {
            return null;
        }

        return ConfigScalar.TryParseBool(scalar.Text, out var value)
            ? value
            : throw context.Error(node, FieldOf(key), $"expected true or false, got {scalar.Shown}");
    }

    /// <summary>A list of text values; entries left empty by an unset variable are skipped (with their warning).</summary>
    public IReadOnlyList<string> TextList(string key)
    {
        if (Take(key) is not { } node)
        {
            return [];
        }

        var field = FieldOf(key);
        if (node is not YamlSequenceNode sequence)
        {
            var scalar = context.Scalar(node, field, "a list of text values");
            return scalar.Text is null
                ? []
                : throw context.Error(node, field, $"expected a list of text values, e.g. [\"a\", \"b\"], got {scalar.Shown}");
        }

        var items = new List<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (context.Scalar(sequence.Children[i], $"{field}[{i}]", "text").Text is { } text)
            {
                items.Add(text);
            }
        }

        return [.. items];
    }

    /// <summary>A nested mapping, or null when the key is absent or empty.</summary>
    public ConfigMapping? Section(string key)
    {
        if (Take(key) is not { } node)
        {
            return null;
        }

        return IsEmpty(node) ? null : Of(context, node, FieldOf(key), "a mapping");
    }

    /// <summary>An unquoted YAML null (<c>key:</c>, <c>~</c>, <c>null</c>), which leaves a section unset.</summary>
    public static bool IsEmpty(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } scalar && scalar.Tag.IsEmpty && ConfigScalar.IsNullToken(scalar.Value ?? "");

    /// <summary>Every key not read, with values typed as YAML reads them (see <see cref="ConfigExtraValues"/>).</summary>
    public IReadOnlyDictionary<string, object?> Rest()
    {
        var rest = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => !taken.Contains(e.Key)))
        {
            rest[entry.Key] = ConfigExtraValues.Convert(context, entry.Value, FieldOf(entry.Key), 1);
        }

        return rest.Count == 0 ? ReadOnlyDictionary<string, object?>.Empty : rest.AsReadOnly();
    }

    /// <summary>
    /// The keys of <paramref name="node"/> with YAML merge keys (<c>&lt;&lt;: *defaults</c>) expanded, as
    /// PyYAML does: keys written in the mapping win over merged ones, earlier merges over later ones.
    /// </summary>
    internal static IReadOnlyList<ConfigEntry> EntriesOf(ConfigReadContext context, YamlMappingNode node, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw context.Error(node, path, "nested too deeply (does an anchor refer to itself?)");
        }

        var own = new List<ConfigEntry>();
        var merged = new List<ConfigEntry>();
        foreach (var (keyNode, value) in node.Children)
        {
            if (keyNode is not YamlScalarNode key)
            {
                throw context.Error(keyNode, path, $"expected a text key, got {ConfigReadContext.Describe(keyNode)}");
            }

            var name = key.Value ?? "";
            if (name == MergeKey && key.Style == ScalarStyle.Plain)
            {
                merged.AddRange(MergedEntries(context, value, path, depth));
                continue;
            }

            if (own.Any(e => e.Key == name))
            {
                throw context.Error(keyNode, Join(path, name), "duplicate key");
            }

            own.Add(new ConfigEntry(name, keyNode, value));
        }

        foreach (var entry in merged)
        {
            if (!own.Any(e => e.Key == entry.Key))
            {
                own.Add(entry);
            }
        }

        return own;
    }

    private static IEnumerable<ConfigEntry> MergedEntries(ConfigReadContext context, YamlNode value, string path, int depth) => value switch
    {
        YamlMappingNode source => EntriesOf(context, source, path, depth + 1),
        YamlSequenceNode sources when sources.Children.All(s => s is YamlMappingNode) =>
            sources.Children.SelectMany(s => EntriesOf(context, (YamlMappingNode)s, path, depth + 1)),
        _ => throw context.Error(value, Join(path, MergeKey), $"a merge key takes a mapping or a list of mappings, got {ConfigReadContext.Describe(value)}"),
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private T? Number<T>(string key, string expected, TryParse<T> parse)
        where T : struct, INumber<T>
    {
        if (Take(key) is not { } node)
        {
            return null;
        }

        var field = FieldOf(key);
        var scalar = context.Scalar(node, field, expected);
        if (scalar.Text is null)
        {
            return null;
        }

        if (!parse(scalar.Text, out var value))
        {
            throw context.Error(node, field, $"expected {expected}, got {scalar.Shown}");
        }

        return T.IsNegative(value) ? throw context.Error(node, field, $"must not be negative, got {scalar.Shown}") : value;
    }

    private static bool TryParseInt(string text, out int value)
    {
        var whole = ConfigScalar.TryParseLong(text, out var number) && number is >= int.MinValue and <= int.MaxValue;
        value = whole ? (int)number : 0;
        return whole;
    }

    private delegate bool TryParse<T>(string text, out T value);
}
