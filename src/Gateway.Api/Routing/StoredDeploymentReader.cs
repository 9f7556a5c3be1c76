using System.Text.Json;
using Gateway.Api.Config;
using Gateway.Domain.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Api.Routing;

/// <summary>
/// Reads a deployment kept in the database exactly as a config.yaml entry is read: its JSON becomes the YAML nodes the
/// config reader takes, so the same fields mean the same things, <c>os.environ/NAME</c> works, and a mistake reads
/// like a config mistake (<c>model 'gpt-4o' (id …): litellm_params.rpm: expected a whole number, got 'fast'</c>).
/// Credentials must already be opened; the result holds them in clear text and is never logged.
/// </summary>
internal static class StoredDeploymentReader
{
    public static string SourceOf(StoredDeployment stored) => $"model '{stored.ModelName}' (id {stored.DeploymentId})";

    public static DeploymentConfig Read(StoredDeployment stored, IReadOnlyDictionary<string, JsonElement> openedParams, Func<string, string?> environment)
    {
        var entry = new YamlMappingNode
        {
            { "model_name", Quoted(stored.ModelName) },
            { "litellm_params", Mapping(openedParams) },
        };
        var info = Mapping(stored.ModelInfo);
        info.Children[new YamlScalarNode("id")] = Quoted(stored.DeploymentId);
        entry.Children[new YamlScalarNode("model_info")] = info;

        var context = new ConfigReadContext(SourceOf(stored), environment);
        return DeploymentConfig.Read(ConfigMapping.Of(context, entry, "", "a deployment"));
    }

    static YamlMappingNode Mapping(IReadOnlyDictionary<string, JsonElement> values)
    {
        var mapping = new YamlMappingNode();
        foreach (var (name, value) in values)
            mapping.Children[new YamlScalarNode(name)] = Node(value);
        return mapping;
    }

    static YamlNode Node(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => Mapping(value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)),
        JsonValueKind.Array => new YamlSequenceNode(value.EnumerateArray().Select(Node)),
        // A JSON string is text even when it looks like a number or "true": quoted, YAML does not type it.
        JsonValueKind.String => Quoted(value.GetString()!),
        JsonValueKind.Number => Plain(value.GetRawText()),
        JsonValueKind.True => Plain("true"),
        JsonValueKind.False => Plain("false"),
        _ => Plain("null"),
    };

    static YamlScalarNode Quoted(string text) => new(text) { Style = ScalarStyle.DoubleQuoted };

    static YamlScalarNode Plain(string text) => new(text) { Style = ScalarStyle.Plain };
}
