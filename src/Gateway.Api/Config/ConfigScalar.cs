using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Api.Config;

/// <summary>
/// A scalar after <c>os.environ/NAME</c> substitution. <see cref="Text"/> is null for YAML null or an
/// unset variable; <see cref="IsPlain"/> says the text was unquoted in the file, so YAML typing applies.
/// </summary>
internal readonly partial record struct ConfigScalar(string? Text, bool IsPlain, string? Variable)
{
    /// <summary>The value as an error message quotes it, saying where it came from when not from the file.</summary>
    public string Shown => Variable is null ? $"'{Text}'" : $"'{Text}' (from environment variable {Variable})";

    public static bool IsNullToken(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    public static bool TryParseLong(string text, out long value)
    {
        text = text.Trim();
        if (IntegerPattern().IsMatch(text))
        {
            return long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        // 1e6 or 600.0 is still a whole number; 600.5 is not.
        if (TryParseDouble(text, out var number) && double.IsInteger(number) && number is >= long.MinValue and <= long.MaxValue)
        {
            value = (long)number;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryParseDouble(string text, out double value)
    {
        text = text.Trim();
        value = 0;
        return FloatPattern().IsMatch(text)
            && double.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    public static bool TryParseDecimal(string text, out decimal value)
    {
        text = text.Trim();
        value = 0;
        return FloatPattern().IsMatch(text)
            && decimal.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>true/false in any case, and YAML 1.1's yes/no/on/off, which PyYAML (so LiteLLM) reads as booleans.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                value = true;
                return true;
            case "false" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Types an unquoted scalar the way the YAML core schema does: null, bool, whole number, number, else text.</summary>
    public static object? Untyped(string text)
    {
        if (IsNullToken(text))
        {
            return null;
        }

        switch (text)
        {
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF":
                return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN":
                return double.NaN;
        }

        if (IntegerPattern().IsMatch(text))
        {
            var digits = text.Replace("_", "", StringComparison.Ordinal);
            return long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                ? whole
                : (object)double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        if (HexPattern().IsMatch(text) && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        return TryParseDouble(text, out var number) ? number : text;
    }

    // The YAML core schema's forms, plus '_' between digits, which PyYAML accepts.
    [GeneratedRegex("^[-+]?[0-9][0-9_]*$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex("^0x[0-9a-fA-F]+$")]
    private static partial Regex HexPattern();
}
