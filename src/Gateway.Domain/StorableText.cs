using System.Text.Json;

namespace Gateway.Domain;

/// <summary>
/// What the gateway can store: PostgreSQL refuses NUL in text and jsonb and cannot hold a lone UTF-16 surrogate, and its
/// b-tree indexes refuse entries over about 2.7 kB, which 512 characters stay under in any script. One rule for every
/// way in: the admin API checks whole request bodies with it before they are bound, the proxy the names it records,
/// and the decisions every name and parameter they are given, so the portal refuses what the API refuses.
/// </summary>
public static class StorableText
{
    /// <summary>The longest name the gateway records or indexes: models, end users, tags, ids and aliases.</summary>
    public const int MaxNameLength = 512;

    /// <summary>Why <paramref name="name"/> cannot be stored as a name, or null when it can (null is no name).</summary>
    public static string? NameProblem(string? name) =>
        name is not null && name.Length > MaxNameLength ? $"at most {MaxNameLength} characters" : TextProblem(name);

    /// <summary>Why free text (a parameter, a URL) cannot be stored, whatever its length; null when it can.</summary>
    public static string? TextProblem(string? text)
    {
        if (text is null)
            return null;
        if (text.Contains('\0', StringComparison.Ordinal))
            return "must not contain NUL (\\u0000)";
        return HasLoneSurrogate(text) ? "must not contain a lone UTF-16 surrogate (\\ud800 to \\udfff not in a pair)" : null;
    }

    /// <summary>Why some string in <paramref name="value"/> (a property name or a value, at any depth) cannot be stored.</summary>
    public static string? JsonProblem(JsonElement value)
    {
        try
        {
            return Problem(value);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (\ud800) does not decode to a .NET string at all.
            return TextProblem("\ud800");
        }

        static string? Problem(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return TextProblem(value.GetString());
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                        if ((TextProblem(property.Name) ?? Problem(property.Value)) is { } problem)
                            return problem;
                    return null;
                case JsonValueKind.Array:
                    foreach (var item in value.EnumerateArray())
                        if (Problem(item) is { } problem)
                            return problem;
                    return null;
                default:
                    return null;
            }
        }
    }

    static bool HasLoneSurrogate(string text)
    {
        var span = text.AsSpan();
        var i = span.IndexOfAnyInRange('\ud800', '\udfff');
        if (i < 0)
            return false;
        for (; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
                i++;
            else if (char.IsSurrogate(span[i]))
                return true;
        }
        return false;
    }
}
