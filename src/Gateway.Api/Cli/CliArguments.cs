namespace Gateway.Api.Cli;

/// <summary>
/// A verb's arguments: <c>--name value</c> or <c>--name=value</c> options, bare flags and positional words. Anything
/// the verb does not declare is a usage error, so a mistyped flag is never silently ignored.
/// </summary>
public sealed class CliArguments
{
    readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    readonly List<string> _positional = [];

    public IReadOnlyList<string> Positional => _positional;

    /// <param name="valueOptions">Options taking a value, without their dashes ("from", "key").</param>
    /// <param name="flags">Options taking none ("force").</param>
    public static CliArguments Parse(IEnumerable<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string>? flags = null)
    {
        flags ??= [];
        var parsed = new CliArguments();
        using var arg = args.GetEnumerator();
        while (arg.MoveNext())
        {
            var text = arg.Current;
            if (!text.StartsWith("--", StringComparison.Ordinal) || text.Length == 2)
            {
                parsed._positional.Add(text);
                continue;
            }

            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? text[2..equals] : text[2..];
            if (flags.Contains(name) && equals < 0)
            {
                parsed._flags.Add(name);
                continue;
            }
            if (!valueOptions.Contains(name))
                throw CliFailure.Usage($"unknown option --{name}. Options here: {Describe(valueOptions, flags)}.");

            string value;
            if (equals > 0)
                value = text[(equals + 1)..];
            else if (arg.MoveNext())
                value = arg.Current;
            else
                throw CliFailure.Usage($"--{name} needs a value.");
            if (!parsed._options.TryAdd(name, value))
                throw CliFailure.Usage($"--{name} is given twice.");
        }
        return parsed;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _flags.Contains(name);

    static string Describe(IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags) =>
        string.Join(", ", valueOptions.Select(o => $"--{o} VALUE").Concat(flags.Select(f => $"--{f}")));
}
