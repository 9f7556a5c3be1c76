using YamlDotNet.RepresentationModel;

namespace Gateway.Api.Config;

/// <summary>One key of a YAML mapping, with its nodes kept for line numbers.</summary>
internal sealed record ConfigEntry(string Key, YamlNode KeyNode, YamlNode Value);
