using System.Collections.ObjectModel;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Api.Config;

/// <summary>
/// State of one read of a config file: its name for messages, the environment that
/// <c>os.environ/NAME</c> reads, and the warnings gathered on the way.
/// </summary>
internal sealed class ConfigReadContext(string sourceName, Func<string, string?> environment)
{
    private const string EnvironmentPrefix = "os.environ/";

    private readonly List<(int Line, string Text)> warnings = [];
    private IReadOnlyDictionary<string, string> fileVariables = ReadOnlyDictionary<string, string>.Empty;

    public string SourceName => sourceName;

    /// <summary>Warnings in file order.</summary>
    public IReadOnlyList<string> Warnings => [.. warnings.OrderBy(w => w.Line).Select(w => w.Text)];

    /// <summary>
    /// The file's own <c>environment_variables</c> section. Like LiteLLM, a variable set in the real
    /// environment wins; the file's value is the fallback.
    /// </summary>
    public void UseFileVariables(IReadOnlyDictionary<string, string> variables) => fileVariables = variables;

    public ConfigException Error(YamlNode node, string field, string reason) =>
        new(sourceName, field, LineOf(node), reason);

    public void Warn(YamlNode node, string field, string message) =>
        warnings.Add((LineOf(node) ?? 0, ConfigException.Describe(sourceName, field, LineOf(node), message)));

    /// <summary>
    /// Reads a scalar where <paramref name="expected"/> is wanted, substituting <c>os.environ/NAME</c>.
    /// An unset variable gives null and a warning, or an error when the value is <paramref name="required"/>.
    /// </summary>
    public ConfigScalar Scalar(YamlNode node, string field, string expected, bool required = false)
    {
        if (node is not YamlScalarNode scalar)
        {
            throw Error(node, field, $"expected {expected}, got {Describe(node)}");
        }

        var text = scalar.Value ?? "";
        var plain = scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty;
        if (plain && ConfigScalar.IsNullToken(text))
        {
            return required ? throw Error(node, field, "is empty") : new ConfigScalar(null, true, null);
        }

        if (!text.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
        {
            return new ConfigScalar(text, plain, null);
        }

        var name = text[EnvironmentPrefix.Length..].Trim();
        if (name.Length == 0)
        {
            throw Error(node, field, "os.environ/ must be followed by the name of an environment variable");
        }

        var value = environment(name) ?? fileVariables.GetValueOrDefault(name);
        if (value is null)
        {
            if (required)
            {
                throw Error(node, field, $"environment variable {name} is not set");
            }

            Warn(node, field, $"environment variable {name} is not set; the setting is left empty");
        }

        return new ConfigScalar(value, false, name);
    }

    public static int? LineOf(YamlNode node) => node.Start.Line > 0 ? (int)node.Start.Line : null;

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an unsupported YAML node",
    };
}
