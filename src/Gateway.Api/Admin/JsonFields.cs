using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Domain;

namespace Gateway.Api.Admin;

/// <summary>
/// Reads the fields of an admin update body where "absent" (leave it) and <c>null</c> (clear it) differ, as LiteLLM's
/// <c>/…/update</c> routes treat them. The first field of the wrong type becomes a 400 that names it.
/// </summary>
public sealed class JsonFields(JsonElement body)
{
    public ApiError? Error { get; private set; }

    /// <summary>
    /// Reads an admin update's body (admin bodies are small) for an admin caller; anyone else, or a malformed body,
    /// gets the refusal instead.
    /// </summary>
    public static async Task<(JsonFields? Fields, Microsoft.AspNetCore.Http.IResult? Refusal)> ReadForAdminAsync(
        Microsoft.AspNetCore.Http.HttpRequest request, Proxy.Caller caller, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return (null, AdminErrors.AdminOnly().AsResult());
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var fields = Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), out var error);
        return (fields, error?.AsResult());
    }

    /// <summary>A list that the state keeps non-null: clearing it (null) is passed on as such for the decision to empty.</summary>
    public Change<IReadOnlyList<string>>? List(string name) => Strings(name) is { } change ? new Change<IReadOnlyList<string>>(change.Value!) : null;

    /// <summary>A map that the state keeps non-null, as <see cref="List"/>.</summary>
    public Change<IReadOnlyDictionary<string, JsonElement>>? Map(string name) =>
        Object(name) is { } change ? new Change<IReadOnlyDictionary<string, JsonElement>>(change.Value!) : null;

    public static JsonFields? Parse(ReadOnlySpan<byte> utf8, out ApiError? error)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = ApiError.MalformedJson("the body must be a JSON object.");
                return null;
            }
            error = null;
            return new JsonFields(document.RootElement.Clone()); // a copy that outlives the pooled document
        }
        catch (JsonException ex)
        {
            error = ApiError.MalformedJson(ex.Message);
            return null;
        }
    }

    public string? RequiredText(string name)
    {
        var text = Text(name);
        if (text?.Value is null && Error is null)
            Error = ApiError.MissingField(name, "a string");
        return text?.Value;
    }

    public Change<string?>? Text(string name) =>
        Read(name, "a string", v => v.ValueKind == JsonValueKind.String ? (true, v.GetString()) : (false, null));

    public Change<decimal?>? Decimal(string name) =>
        Read<decimal?>(name, "a number", v => v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? (true, d) : (false, null));

    public Change<long?>? Long(string name) =>
        Read<long?>(name, "a whole number", v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? (true, l) : (false, null));

    public Change<int?>? Int(string name) =>
        Read<int?>(name, "a whole number", v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? (true, i) : (false, null));

    public bool? Bool(string name) =>
        Read<bool?>(name, "true or false", v => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? (true, v.GetBoolean()) : (false, null))?.Value;

    public Change<IReadOnlyList<string>?>? Strings(string name) =>
        Read<IReadOnlyList<string>?>(name, "an array of strings", v =>
            v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                ? (true, v.EnumerateArray().Select(e => e.GetString()!).ToList())
                : (false, null));

    public Change<IReadOnlyDictionary<string, JsonElement>?>? Object(string name) =>
        Read<IReadOnlyDictionary<string, JsonElement>?>(name, "an object", v =>
            v.ValueKind == JsonValueKind.Object
                ? (true, v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()))
                : (false, null));

    public Change<IReadOnlyDictionary<string, long>?>? Longs(string name) =>
        Read<IReadOnlyDictionary<string, long>?>(name, "an object of whole numbers", v =>
            v.ValueKind == JsonValueKind.Object && v.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out _))
                ? (true, v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()))
                : (false, null));

    Change<T>? Read<T>(string name, string expected, Func<JsonElement, (bool Ok, T Value)> convert)
    {
        if (!body.TryGetProperty(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Null)
            return new Change<T>(default!);
        var (ok, converted) = convert(value);
        if (ok)
            return new Change<T>(converted);
        Error ??= ApiError.InvalidField(name, $"expected {expected}, got {Describe(value.ValueKind)}");
        return null;
    }

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "a boolean",
    };
}
