using YamlDotNet.RepresentationModel;

namespace Gateway.Api.Config;

/// <summary>Reads <c>model_list</c>: every entry a deployment, every <c>model_info.id</c> unique.</summary>
internal static class ModelListSection
{
    private const string Key = "model_list";

    public static IReadOnlyList<DeploymentConfig> Read(ConfigReadContext context, ConfigMapping top)
    {
        var node = top.Take(Key);
        if (node is null || ConfigMapping.IsEmpty(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode list)
        {
            throw context.Error(node, Key, $"expected a list of deployments, each with model_name and litellm_params, got {ConfigReadContext.Describe(node)}");
        }

        var deployments = new List<DeploymentConfig>(list.Children.Count);
        var idsSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"{Key}[{i}]";
            var entry = ConfigMapping.Of(context, list.Children[i], path, "a mapping with model_name and litellm_params");
            WarnAboutUnknownKeys(context, entry);
            var deployment = DeploymentConfig.Read(entry);

            if (deployment.Info.Id is { } id)
            {
                if (idsSeen.TryGetValue(id, out var first))
                {
                    var info = ConfigMapping.Of(context, entry.NodeOf("model_info")!, $"{path}.model_info", "a mapping");
                    var idNode = info.NodeOf("id")!;
                    throw context.Error(idNode, $"{path}.model_info.id", $"duplicate id '{id}', already used by {Key}[{first}]; ids must be unique");
                }

                idsSeen[id] = i;
            }

            deployments.Add(deployment);
        }

        return [.. deployments];
    }

    // LiteLLM ignores other keys in an entry; a typo here would silently drop settings, so say so.
    private static void WarnAboutUnknownKeys(ConfigReadContext context, ConfigMapping entry)
    {
        foreach (var unknown in entry.Entries.Where(e => !DeploymentConfig.Keys.Contains(e.Key)))
        {
            var suggestion = ConfigKeySuggestion.Closest(unknown.Key, DeploymentConfig.Keys);
            context.Warn(unknown.KeyNode, entry.FieldOf(unknown.Key),
                suggestion is null ? "unknown key, ignored" : $"unknown key, ignored; did you mean {suggestion}?");
        }
    }
}
