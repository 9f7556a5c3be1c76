using System.Collections.ObjectModel;
using YamlDotNet.RepresentationModel;

namespace Gateway.Api.Config;

/// <summary>
/// Turns settings the gateway does not type (provider params, fallbacks, …) into plain values:
/// unquoted scalars by the YAML core schema to null, bool, long, double or string; quoted scalars and
/// environment values to string (LiteLLM reads both as text); mappings to read-only dictionaries and
/// lists to read-only lists.
/// </summary>
internal static class ConfigExtraValues
{
    public static object? Convert(ConfigReadContext context, YamlNode node, string field, int depth)
    {
        if (depth > ConfigMapping.MaxDepth)
        {
            throw context.Error(node, field, "nested too deeply (does an anchor refer to itself?)");
        }

        switch (node)
        {
            case YamlScalarNode:
                var scalar = context.Scalar(node, field, "a value");
                return scalar is { IsPlain: true, Text: { } text } ? ConfigScalar.Untyped(text) : scalar.Text;

            case YamlSequenceNode sequence:
                var items = new List<object?>(sequence.Children.Count);
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    items.Add(Convert(context, sequence.Children[i], $"{field}[{i}]", depth + 1));
                }

                return items.AsReadOnly();

            case YamlMappingNode mapping:
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var entry in ConfigMapping.EntriesOf(context, mapping, field, depth))
                {
                    values[entry.Key] = Convert(context, entry.Value, $"{field}.{entry.Key}", depth + 1);
                }

                return values.AsReadOnly();

            default:
                throw context.Error(node, field, $"unsupported YAML value {ConfigReadContext.Describe(node)}");
        }
    }
}
