using Gateway.Api.Config;

namespace Gateway.Api.Tests.Config;

/// <summary>Parses config text as "config.yaml" with a fixed environment.</summary>
internal static class ConfigText
{
    public const string FileName = "config.yaml";

    public static GatewayConfig Parse(string yaml, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(v => v.Name, v => v.Value);
        return ConfigFileLoader.Parse(yaml, FileName, name => variables.GetValueOrDefault(name));
    }

    public static ConfigException Rejects(string yaml, params (string Name, string Value)[] environment)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(yaml, environment));
        Assert.Contains(FileName, error.Message, StringComparison.Ordinal);
        Assert.Equal(FileName, error.File);
        return error;
    }
}
