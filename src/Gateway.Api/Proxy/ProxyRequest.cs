using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Proxy;

/// <summary>
/// The few fields of an OpenAI request body that the gateway itself needs, read in one pass with
/// <see cref="Utf8JsonReader"/>; everything else stays in the raw bytes and is forwarded untouched.
/// The pass also checks the shape: a body that is not an object, or a known field of the wrong type, is a 400
/// that names the field, never a 500 later on; and every string in it, so no part of the gateway meets text it cannot
/// decode (<see cref="RequestJson"/>). Names the gateway records (model, end user, tags) are bounded and NUL-free,
/// as PostgreSQL needs them.
/// </summary>
public sealed class ProxyRequest
{
    public required OpenAIEndpoint Endpoint { get; init; }
    public required RequestBody Body { get; init; }
    public required string Model { get; init; }
    public bool Stream { get; init; }
    public bool IncludeUsage { get; init; }
    public string? User { get; init; }
    public int? MaxTokens { get; init; }
    public int N { get; init; } = 1;

    /// <summary>Tags for tag routing and spend: body <c>tags</c> and <c>metadata.tags</c> (LiteLLM reads both).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The client's own fallback model groups (body <c>fallbacks</c> or <c>metadata.fallbacks</c>); null when it sent none.</summary>
    public IReadOnlyList<string>? Fallbacks { get; init; }

    /// <summary>Body <c>disable_fallbacks: true</c>: answer with the model's own error rather than falling back.</summary>
    public bool DisableFallbacks { get; init; }

    /// <summary>Parses and validates, nesting at most <paramref name="maxDepth"/> levels; the request or the error to answer with.</summary>
    public static ProxyRequest? Parse(OpenAIEndpoint endpoint, RequestBody body, out ApiError? error, int maxDepth = RequestJson.MaxDepth)
    {
        try
        {
            return ParseCore(endpoint, body, maxDepth, out error);
        }
        catch (JsonException ex)
        {
            error = ApiError.MalformedJson(RequestJson.Describe(ex));
            return null;
        }
        catch (InvalidOperationException)
        {
            // GetString refuses a string it cannot decode; the checks above should have caught it first.
            error = ApiError.MalformedJson("a string is not valid Unicode.");
            return null;
        }
    }

    static ProxyRequest? ParseCore(OpenAIEndpoint endpoint, RequestBody body, int maxDepth, out ApiError? error)
    {
        error = null;
        if (body.Length == 0)
        {
            error = ApiError.MalformedJson("the body is empty; send a JSON object.");
            return null;
        }

        // The reader checks the UTF-8 of what it decodes, not of values it skips; a provider would choke on those later.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            error = ApiError.MalformedJson("the body is not valid UTF-8.");
            return null;
        }

        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = ApiError.MalformedJson("the body must be a JSON object.");
            return null;
        }

        string? model = null, user = null;
        bool stream = false, includeUsage = false, sawInput = false;
        int? maxTokens = null;
        var n = 1;
        List<string>? tags = null, fallbacks = null;
        var disableFallbacks = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "model":
                    if (reader.TokenType != JsonTokenType.String) return Fail(out error, "model", "expected a string naming a model from /v1/models");
                    model = reader.GetString();
                    if (RequestJson.NameProblem(model!) is { } badModel) return Fail(out error, "model", badModel);
                    break;
                case "stream":
                    if (!IsBool(reader) && reader.TokenType != JsonTokenType.Null) return Fail(out error, "stream", "expected a boolean");
                    stream = reader.TokenType == JsonTokenType.True;
                    break;
                case "stream_options":
                    if (reader.TokenType == JsonTokenType.Null) break;
                    if (reader.TokenType != JsonTokenType.StartObject) return Fail(out error, "stream_options", "expected an object");
                    if (!ReadStreamOptions(ref reader, out includeUsage, out error)) return null;
                    break;
                case "user":
                    if (reader.TokenType == JsonTokenType.Null) break;
                    if (reader.TokenType != JsonTokenType.String) return Fail(out error, "user", "expected a string");
                    user = reader.GetString();
                    if (RequestJson.NameProblem(user!) is { } badUser) return Fail(out error, "user", badUser);
                    break;
                case "max_tokens" or "max_completion_tokens":
                    if (reader.TokenType == JsonTokenType.Null) break;
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var max) || max < 1)
                        return Fail(out error, name, "expected a positive whole number");
                    maxTokens = max;
                    break;
                case "n":
                    if (reader.TokenType == JsonTokenType.Null) break;
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out n) || n is < 1 or > 128)
                        return Fail(out error, "n", "expected a whole number from 1 to 128");
                    break;
                case "tags":
                    if (!ReadNames(ref reader, "tags", ref tags, out error)) return null;
                    break;
                case "fallbacks":
                    if (!ReadNames(ref reader, "fallbacks", ref fallbacks, out error)) return null;
                    break;
                case "disable_fallbacks":
                    if (!IsBool(reader) && reader.TokenType != JsonTokenType.Null) return Fail(out error, "disable_fallbacks", "expected a boolean");
                    disableFallbacks = reader.TokenType == JsonTokenType.True;
                    break;
                case "metadata":
                    if (reader.TokenType == JsonTokenType.Null) break;
                    if (reader.TokenType != JsonTokenType.StartObject) return Fail(out error, "metadata", "expected an object");
                    if (!ReadMetadata(ref reader, ref tags, ref fallbacks, out error)) return null;
                    break;
                case "messages" when endpoint == OpenAIEndpoint.ChatCompletions:
                    if (!ReadMessages(ref reader, out error)) return null;
                    sawInput = true;
                    break;
                case "prompt" when endpoint == OpenAIEndpoint.Completions:
                    if (!IsTextOrTokens(ref reader)) return Fail(out error, "prompt", "expected a string, an array of strings, or an array of token ids");
                    sawInput = true;
                    break;
                case "input" when endpoint == OpenAIEndpoint.Embeddings:
                    if (!IsTextOrTokens(ref reader)) return Fail(out error, "input", "expected a non-empty string, an array of strings, or an array of token ids");
                    sawInput = true;
                    break;
                default:
                    RequestJson.SkipChecked(ref reader);
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            // The object ended early or something follows it; the reader throws on most, this catches the rest.
            error = ApiError.MalformedJson("unexpected content after the JSON object.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            error = ApiError.MissingField("model", "a string naming a model from /v1/models");
            return null;
        }

        if (!sawInput)
        {
            var (field, what) = endpoint switch
            {
                OpenAIEndpoint.ChatCompletions => ("messages", "a non-empty array of {role, content} objects"),
                OpenAIEndpoint.Completions => ("prompt", "a string or an array of strings"),
                _ => ("input", "a string or an array of strings"),
            };
            error = ApiError.MissingField(field, what);
            return null;
        }

        return new ProxyRequest
        {
            Endpoint = endpoint,
            Body = body,
            Model = model,
            Stream = stream && endpoint != OpenAIEndpoint.Embeddings,
            IncludeUsage = includeUsage,
            User = user,
            MaxTokens = maxTokens,
            N = n,
            Tags = tags is null ? [] : tags,
            Fallbacks = fallbacks,
            DisableFallbacks = disableFallbacks,
        };
    }

    static bool ReadStreamOptions(ref Utf8JsonReader reader, out bool includeUsage, out ApiError? error)
    {
        includeUsage = false;
        error = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                if (!IsBool(reader) && reader.TokenType != JsonTokenType.Null)
                {
                    error = ApiError.InvalidField("stream_options.include_usage", "expected a boolean");
                    return false;
                }
                includeUsage = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                RequestJson.SkipChecked(ref reader);
            }
        }
        return true;
    }

    /// <summary>The gateway's fields inside <c>metadata</c> (<c>tags</c>, <c>fallbacks</c>); the rest is the client's own.</summary>
    static bool ReadMetadata(ref Utf8JsonReader reader, ref List<string>? tags, ref List<string>? fallbacks, out ApiError? error)
    {
        error = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("tags"u8) ? "metadata.tags" : reader.ValueTextEquals("fallbacks"u8) ? "metadata.fallbacks" : null;
            reader.Read();
            if (name == "metadata.tags" && !ReadNames(ref reader, name, ref tags, out error))
                return false;
            if (name == "metadata.fallbacks" && !ReadNames(ref reader, name, ref fallbacks, out error))
                return false;
            if (name is null)
                RequestJson.SkipChecked(ref reader);
        }
        return true;
    }

    /// <summary>
    /// A list of names: strings, or (for fallbacks) LiteLLM's <c>{"model": name, …}</c> objects, of which only the
    /// model is used. Null leaves the list as it is.
    /// </summary>
    static bool ReadNames(ref Utf8JsonReader reader, string field, ref List<string>? names, out ApiError? error)
    {
        error = null;
        if (reader.TokenType == JsonTokenType.Null)
            return true;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = ApiError.InvalidField(field, "expected an array of strings");
            return false;
        }

        names ??= [];
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string? name = null;
            if (reader.TokenType == JsonTokenType.String)
            {
                name = reader.GetString();
            }
            else if (reader.TokenType == JsonTokenType.StartObject && field.EndsWith("fallbacks", StringComparison.Ordinal))
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isModel = reader.ValueTextEquals("model"u8);
                    reader.Read();
                    if (isModel && reader.TokenType == JsonTokenType.String)
                        name = reader.GetString();
                    else
                        RequestJson.SkipChecked(ref reader);
                }
            }
            else
            {
                RequestJson.SkipChecked(ref reader);
            }

            if (string.IsNullOrWhiteSpace(name))
            {
                error = ApiError.InvalidField($"{field}[{index}]", field.EndsWith("tags", StringComparison.Ordinal) ? "expected a tag (a string)" : "expected a model group name");
                return false;
            }
            if (RequestJson.NameProblem(name) is { } problem)
            {
                error = ApiError.InvalidField($"{field}[{index}]", problem);
                return false;
            }
            if (!names.Contains(name))
                names.Add(name);
            index++;
        }
        return true;
    }

    /// <summary>A non-empty array of objects, each with a string <c>role</c>.</summary>
    static bool ReadMessages(ref Utf8JsonReader reader, out ApiError? error)
    {
        error = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = ApiError.InvalidField("messages", "expected an array of {role, content} objects");
            return false;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = ApiError.InvalidField($"messages[{index}]", "expected an object with a role and content");
                return false;
            }

            var hasRole = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRole = reader.ValueTextEquals("role"u8);
                reader.Read();
                if (isRole)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = ApiError.InvalidField($"messages[{index}].role", "expected a string such as \"user\"");
                        return false;
                    }
                    RequestJson.ThrowIfLoneSurrogate(reader);
                    hasRole = true;
                }
                else
                {
                    RequestJson.SkipChecked(ref reader);
                }
            }

            if (!hasRole)
            {
                error = ApiError.MissingField($"messages[{index}].role", "\"system\", \"user\", \"assistant\" or \"tool\"");
                return false;
            }
            index++;
        }

        if (index == 0)
        {
            error = ApiError.InvalidField("messages", "must contain at least one message");
            return false;
        }
        return true;
    }

    /// <summary>A non-empty string, or a non-empty array of strings / token ids / arrays of token ids.</summary>
    static bool IsTextOrTokens(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            RequestJson.ThrowIfLoneSurrogate(reader);
            return reader.ValueSpan.Length > 0 || reader.HasValueSequence;
        }
        if (reader.TokenType != JsonTokenType.StartArray)
            return false;

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    RequestJson.ThrowIfLoneSurrogate(reader);
                    break;
                case JsonTokenType.Number:
                    break;
                case JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        if (reader.TokenType != JsonTokenType.Number)
                            return false;
                    break;
                default:
                    return false;
            }
            count++;
        }
        return count > 0;
    }

    static bool IsBool(in Utf8JsonReader reader) => reader.TokenType is JsonTokenType.True or JsonTokenType.False;

    static ProxyRequest? Fail(out ApiError? error, string field, string why)
    {
        error = ApiError.InvalidField(field, why);
        return null;
    }
}
