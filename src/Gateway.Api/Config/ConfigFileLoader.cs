using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Api.Config;

/// <summary>
/// Reads a LiteLLM-format config.yaml into <see cref="GatewayConfig"/>. <c>os.environ/NAME</c> works in
/// any value at any depth. Anything the gateway cannot use throws a <see cref="ConfigException"/> naming
/// the file, line and setting; anything LiteLLM would tolerate becomes a warning instead.
/// </summary>
public static class ConfigFileLoader
{
    private static readonly string[] SupportedSections =
        ["model_list", "router_settings", "litellm_settings", "general_settings", "environment_variables"];

    // Sections LiteLLM knows that this gateway does not act on: named plainly rather than called typos.
    private static readonly string[] UnsupportedLitellmSections =
        ["include", "callback_settings", "guardrails", "credential_list", "mcp_servers", "vector_store_registry",
         "files_settings", "search_tools", "prompts"];

    /// <param name="path">The config file as the user named it; messages quote it as given.</param>
    /// <param name="environment">Looks up environment variables, e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static GatewayConfig Load(string path, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        var config = Parse(ReadFile(path), path, environment) with { SourcePath = fullPath };
        return config.General.PriceSheet is { } sheet && !Path.IsPathRooted(sheet)
            ? config with { General = config.General with { PriceSheet = Path.GetFullPath(sheet, Path.GetDirectoryName(fullPath)!) } }
            : config;
    }

    /// <param name="yaml">The file's text.</param>
    /// <param name="sourceName">How messages name the source, usually the file name.</param>
    /// <param name="environment">Looks up environment variables.</param>
    public static GatewayConfig Parse(string yaml, string sourceName, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(environment);

        var root = ReadSingleDocument(yaml, sourceName);
        if (root is null || ConfigMapping.IsEmpty(root))
        {
            return GatewayConfig.Empty with { SourcePath = sourceName };
        }

        var context = new ConfigReadContext(sourceName, environment);
        var top = ConfigMapping.Of(context, root, "", "a mapping of settings such as model_list and general_settings");
        WarnAboutUnknownSections(context, top);
        context.UseFileVariables(ReadFileVariables(context, top));

        var modelList = ModelListSection.Read(context, top);
        var router = top.Section("router_settings");
        var litellm = top.Section("litellm_settings");
        var general = top.Section("general_settings");
        return new GatewayConfig
        {
            ModelList = modelList,
            Router = router is null ? new RouterSettings() : RouterSettings.Read(router),
            Litellm = litellm is null ? new LitellmSettings() : LitellmSettings.Read(litellm),
            General = general is null ? new GeneralSettings() : GeneralSettings.Read(general),
            Warnings = context.Warnings,
            SourcePath = sourceName,
        };
    }

    private static string ReadFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ConfigException(path, "", null, "is a folder, not a config file");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException(path, "", null, "file not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ConfigException(path, "", null, "cannot read the file: permission denied", e);
        }
        catch (IOException e)
        {
            throw new ConfigException(path, "", null, $"cannot read the file: {e.Message}", e);
        }
    }

    private static YamlNode? ReadSingleDocument(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var line = e.Start.Line > 0 ? (int?)e.Start.Line : null;
            throw new ConfigException(sourceName, "", line, $"invalid YAML: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet 18 fails this way (with no position) on some unclosed flow mappings; the last
            // event it read is the best place we have to point at.
            var line = parser.Current is { } last && last.End.Line > 0 ? (int?)last.End.Line : null;
            throw new ConfigException(sourceName, "", line, "invalid YAML: cannot parse past this point (is a '{' or '[' left unclosed?)", e);
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw new ConfigException(sourceName, "", ConfigReadContext.LineOf(second),
                $"expected one YAML document, found {stream.Documents.Count} (a '---' line starts another)");
        }

        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    // LiteLLM ignores keys it does not know, so a typo like model_lsit would silently serve no models.
    private static void WarnAboutUnknownSections(ConfigReadContext context, ConfigMapping top)
    {
        foreach (var entry in top.Entries.Where(e => !SupportedSections.Contains(e.Key)))
        {
            if (UnsupportedLitellmSections.Contains(entry.Key))
            {
                context.Warn(entry.KeyNode, entry.Key, "a LiteLLM setting this gateway does not support; ignored");
                continue;
            }

            var suggestion = ConfigKeySuggestion.Closest(entry.Key, SupportedSections.Concat(UnsupportedLitellmSections));
            context.Warn(entry.KeyNode, entry.Key,
                suggestion is null ? "unknown setting, ignored" : $"unknown setting, ignored; did you mean {suggestion}?");
        }
    }

    private static Dictionary<string, string> ReadFileVariables(ConfigReadContext context, ConfigMapping top)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (top.Section("environment_variables") is { } section)
        {
            foreach (var entry in section.Entries)
            {
                if (context.Scalar(entry.Value, section.FieldOf(entry.Key), "text").Text is { } value)
                {
                    variables[entry.Key] = value;
                }
            }
        }

        return variables;
    }
}
