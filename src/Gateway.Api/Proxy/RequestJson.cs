using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Domain;

namespace Gateway.Api.Proxy;

/// <summary>
/// What a client's JSON must be before any part of the gateway decodes it: valid UTF-8, one value, nested no deeper
/// than the configured depth, and every string valid Unicode (no lone UTF-16 surrogate escapes such as <c>\ud800</c>,
/// which .NET cannot decode and PostgreSQL cannot store). Admin bodies, which are stored, also may not hold NUL
/// (<c>\u0000</c>, which PostgreSQL's <c>jsonb</c> refuses) nor names longer than PostgreSQL can index.
/// </summary>
public static class RequestJson
{
    /// <summary>
    /// System.Text.Json's own default, which every reader in the gateway (the provider translators, the token counter)
    /// uses; the configured depth may be lower, never higher. Real bodies nest far less: OpenAI's structured outputs
    /// allow 10 levels of schema nesting, about 25 levels of JSON with the request around it.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The longest name the gateway records or indexes: models, end users, tags, ids and aliases. The decisions hold
    /// every name to the same rule (<see cref="StorableText"/>), so the portal refuses what the API refuses.
    /// </summary>
    public const int MaxNameLength = StorableText.MaxNameLength;

    /// <summary>
    /// Checks a whole body; the error to answer with, or null. <paramref name="storable"/>: it will be stored, so NUL is
    /// refused too, and strings outside free-form objects (<c>metadata</c>) are names, at most <see cref="MaxNameLength"/> characters.
    /// </summary>
    public static ApiError? Check(ReadOnlySpan<byte> body, int maxDepth, bool storable)
    {
        if (body.IsEmpty)
            return ApiError.MalformedJson("the body is empty; send a JSON object.");
        if (!System.Text.Unicode.Utf8.IsValid(body))
            return ApiError.MalformedJson("the body is not valid UTF-8.");
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return ApiError.MalformedJson("the body must be a JSON object.");

            // Free-form objects (metadata, a deployment's parameters) hold the caller's own data; other strings are names.
            var freeFormDepth = -1;
            string? property = null;
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                if (freeFormDepth >= 0 && (depth < freeFormDepth || (depth == freeFormDepth && reader.TokenType == JsonTokenType.PropertyName)))
                    freeFormDepth = -1;
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (Unreadable(ref reader, storable) is { } badName)
                        return badName;
                    if (depth == 1)
                        property = reader.GetString();
                    if (freeFormDepth < 0 && FreeForm.Contains(reader.GetString()!))
                        freeFormDepth = depth;
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    if (Unreadable(ref reader, storable) is { } badValue)
                        return badValue;
                    // The raw length bounds the decoded one from above, so most strings are never decoded here.
                    if (storable && freeFormDepth < 0 && reader.ValueSpan.Length > MaxNameLength && reader.GetString()!.Length > MaxNameLength)
                        return ApiError.InvalidField(property ?? "(a field)", $"at most {MaxNameLength} characters");
                }
            }
            return null;
        }
        catch (JsonException ex)
        {
            return ApiError.MalformedJson(Describe(ex));
        }
    }

    /// <summary>
    /// Skips the value the reader is on and everything inside it, checking each string and property name on the way:
    /// <see cref="Utf8JsonReader.Skip"/> would pass a lone surrogate that a provider or the token counter then fails on.
    /// Throws <see cref="JsonException"/>, as the reader does for malformed JSON.
    /// </summary>
    public static void SkipChecked(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            ThrowIfLoneSurrogate(reader);
            return;
        }
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            return;
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                ThrowIfLoneSurrogate(reader);
    }

    /// <summary>For a string the reader is on: throws <see cref="JsonException"/> when it escapes a lone surrogate.</summary>
    public static void ThrowIfLoneSurrogate(in Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped && EscapeProblem(reader.ValueSpan, refuseNul: false) is not null)
            throw new JsonException(LoneSurrogate);
    }

    /// <summary>Whether a decoded name may be recorded: not too long, no NUL, no lone surrogate (<see cref="StorableText"/>).</summary>
    public static string? NameProblem(string name) => StorableText.NameProblem(name);

    /// <summary>Objects of an admin body whose strings are the caller's data (notes, credentials), not names.</summary>
    static readonly HashSet<string> FreeForm = ["metadata", "litellm_params", "model_info"];

    const string LoneSurrogate = "A string holds a lone UTF-16 surrogate escape (\\ud800 to \\udfff not in a pair), which is not valid Unicode.";

    static ApiError? Unreadable(ref Utf8JsonReader reader, bool storable) =>
        reader.ValueIsEscaped && EscapeProblem(reader.ValueSpan, storable) is { } problem ? ApiError.MalformedJson(problem) : null;

    /// <summary>
    /// Reads the escapes of a raw JSON string (the reader has already checked their syntax): a high surrogate must be
    /// followed by a low one, a low one must follow a high one.
    /// </summary>
    static string? EscapeProblem(ReadOnlySpan<byte> raw, bool refuseNul)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
                continue;
            if (raw[i + 1] != (byte)'u')
            {
                i++; // \" \\ \/ \b \f \n \r \t
                continue;
            }
            var code = Hex4(raw.Slice(i + 2, 4));
            i += 5;
            if (code == 0 && refuseNul)
                return "a string holds NUL (\\u0000), which cannot be stored.";
            if (code is >= 0xDC00 and <= 0xDFFF)
                return LoneSurrogate;
            if (code is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 6 >= raw.Length || raw[i + 1] != (byte)'\\' || raw[i + 2] != (byte)'u' || Hex4(raw.Slice(i + 3, 4)) is < 0xDC00 or > 0xDFFF)
                    return LoneSurrogate;
                i += 6;
            }
        }
        return null;
    }

    static int Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var b in hex)
            value = (value << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        return value;
    }

    public static string Describe(JsonException ex) =>
        ex.LineNumber is { } line && ex.BytePositionInLine is { } position
            ? $"{FirstSentence(ex.Message)} (line {line + 1}, byte {position + 1})."
            : FirstSentence(ex.Message) + ".";

    static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }
}
