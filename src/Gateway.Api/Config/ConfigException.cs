namespace Gateway.Api.Config;

/// <summary>
/// A config file that cannot be used, naming the place to fix:
/// <c>config.yaml:14: model_list[1].litellm_params.rpm: expected a whole number, got 'fast'</c>.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string file, string field, int? line, string reason, Exception? innerException = null)
        : base(Describe(file, field, line, reason), innerException)
    {
        File = file;
        Field = field;
        Line = line;
        Reason = reason;
    }

    /// <summary>The file as the user named it (or the source name given to <see cref="ConfigFileLoader.Parse"/>).</summary>
    public string File { get; }

    /// <summary>Path of the setting, e.g. <c>model_list[2].litellm_params.rpm</c>; empty when the file as a whole is at fault.</summary>
    public string Field { get; }

    /// <summary>1-based line in the file, when known.</summary>
    public int? Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    // Warnings use the same shape so an operator reads one format for both.
    internal static string Describe(string file, string field, int? line, string reason)
    {
        var location = line is { } l ? $"{file}:{l}" : file;
        return field.Length == 0 ? $"{location}: {reason}" : $"{location}: {field}: {reason}";
    }
}
