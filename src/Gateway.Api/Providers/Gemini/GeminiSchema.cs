using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// Writes an OpenAI JSON Schema (tool parameters, <c>response_format</c>) as the OpenAPI subset Gemini's <c>Schema</c>
/// accepts, the way LiteLLM's <c>_build_vertex_schema</c> does: <c>$ref</c>s into <c>$defs</c> are inlined; an
/// <c>anyOf</c> (or a type list) with <c>null</c> becomes <c>nullable</c>; <c>properties</c> imply <c>type: object</c>;
/// empty <c>items</c> become an object; empty strings in <c>enum</c> become null; <c>format</c> survives only as
/// <c>enum</c> or <c>date-time</c>; every other keyword Gemini rejects (<c>additionalProperties</c>, <c>$schema</c>,
/// <c>strict</c>, <c>const</c>, <c>oneOf</c>, …) is left out. Response schemas get <c>propertyOrdering</c> in the
/// order the properties were written, since Gemini otherwise orders its output alphabetically.
/// </summary>
internal static class GeminiSchema
{
    const int MaxDepth = 32;

    /// <summary>The keywords of Gemini's Schema (LiteLLM's list); anything else is dropped.</summary>
    static readonly HashSet<string> Kept =
    [
        "type", "format", "title", "description", "nullable", "default", "items", "minItems", "maxItems", "enum",
        "properties", "propertyOrdering", "required", "minProperties", "maxProperties", "minimum", "maximum",
        "minLength", "maxLength", "pattern", "example", "anyOf",
    ];

    /// <summary>Writes <paramref name="schema"/>; null, or the error naming <paramref name="field"/> when it cannot be expressed.</summary>
    public static ApiError? Write(Utf8JsonWriter json, JsonElement schema, string field, bool propertyOrdering)
    {
        var writer = new SchemaWriter(json, Definitions(schema), propertyOrdering, field);
        writer.Write(schema, 0, null);
        return writer.Error;
    }

    /// <summary>True for a schema that describes no arguments at all (<c>{"type":"object","properties":{}}</c>, or <c>{}</c>).</summary>
    public static bool IsEmptyObject(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
            return true;
        foreach (var property in schema.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type" when property.Value.ValueKind == JsonValueKind.String && property.Value.ValueEquals("object"):
                case "additionalProperties" or "$schema" or "strict" or "title" or "description" or "required":
                    break;
                case "properties" when property.Value.ValueKind == JsonValueKind.Object && !property.Value.EnumerateObject().Any():
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    static Dictionary<string, JsonElement> Definitions(JsonElement root)
    {
        var definitions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
            return definitions;
        foreach (var name in (ReadOnlySpan<string>)["$defs", "definitions"])
        {
            if (root.TryGetProperty(name, out var defs) && defs.ValueKind == JsonValueKind.Object)
                foreach (var def in defs.EnumerateObject())
                    definitions.TryAdd(def.Name, def.Value);
        }
        return definitions;
    }

    sealed class SchemaWriter(Utf8JsonWriter json, Dictionary<string, JsonElement> definitions, bool propertyOrdering, string field)
    {
        public ApiError? Error { get; private set; }

        /// <summary>Writes one schema object; <paramref name="inherited"/> carries a description (and nullability) pushed down from an enclosing <c>anyOf</c> or <c>$ref</c>.</summary>
        public void Write(JsonElement schema, int depth, Inherited? inherited)
        {
            if (Error is not null)
                return;
            if (depth > MaxDepth)
            {
                Error = ApiError.InvalidField(field, $"the JSON Schema nests deeper than {MaxDepth} levels (a recursive $ref?); Gemini needs a finite schema.");
                return;
            }
            if (schema.ValueKind != JsonValueKind.Object)
            {
                // `true`, `{}` or garbage: any value; Gemini has no "any", so an object is the closest it takes.
                json.WriteStartObject();
                json.WriteString("type", "object");
                WriteInherited(inherited);
                json.WriteEndObject();
                return;
            }

            if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
            {
                if (Resolve(reference.GetString()!) is not { } target)
                {
                    Error = ApiError.InvalidField(field, $"the JSON Schema refers to '{reference.GetString()}', which is not under $defs.");
                    return;
                }
                Write(target, depth + 1, Merge(inherited, schema));
                return;
            }

            if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array)
            {
                WriteAnyOf(schema, anyOf.EnumerateArray().ToList(), depth, inherited);
                return;
            }

            var (type, nullableFromType, alternatives) = ReadType(schema);
            if (alternatives is not null)
            {
                // ["string", "number"] is an anyOf in Gemini's dialect.
                var options = alternatives.Select(t => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["type"] = t })).ToList();
                WriteAnyOf(schema, options, depth, new Inherited(inherited?.Description, inherited?.Title, nullableFromType || inherited?.Nullable == true));
                return;
            }

            json.WriteStartObject();
            var hasProperties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
            if (hasProperties)
                json.WriteString("type", "object");
            else if (type is not null)
                json.WriteString("type", type);

            var wroteDescription = false;
            var wroteTitle = false;
            var wroteNullable = false;
            var wroteOrdering = false;
            foreach (var property in schema.EnumerateObject())
            {
                var name = property.Name;
                var value = property.Value;
                if (!Kept.Contains(name) || name is "type" or "anyOf")
                    continue;
                switch (name)
                {
                    case "properties":
                        if (value.ValueKind != JsonValueKind.Object)
                            continue;
                        json.WriteStartObject("properties");
                        foreach (var child in value.EnumerateObject())
                        {
                            json.WritePropertyName(child.Name);
                            Write(child.Value, depth + 1, null);
                        }
                        json.WriteEndObject();
                        break;
                    case "items":
                        json.WritePropertyName("items");
                        if (value.ValueKind == JsonValueKind.Array)
                            Write(value.GetArrayLength() > 0 ? value[0] : default, depth + 1, null); // a tuple: its first type
                        else if (value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any())
                            Write(default, depth + 1, null); // items of any kind: an object (LiteLLM's process_items)
                        else
                            Write(value, depth + 1, null);
                        break;
                    case "enum":
                        if (value.ValueKind != JsonValueKind.Array)
                            continue;
                        json.WriteStartArray("enum");
                        foreach (var item in value.EnumerateArray())
                        {
                            if (item.ValueKind == JsonValueKind.String && item.GetString()!.Length == 0)
                                json.WriteNullValue(); // Gemini refuses "" in an enum (LiteLLM's fix)
                            else
                                item.WriteTo(json);
                        }
                        json.WriteEndArray();
                        break;
                    case "format":
                        if (value.ValueKind == JsonValueKind.String && (value.ValueEquals("enum") || value.ValueEquals("date-time")))
                            property.WriteTo(json);
                        break;
                    case "required":
                        if (value.ValueKind == JsonValueKind.Array)
                            property.WriteTo(json);
                        break;
                    case "propertyOrdering":
                        wroteOrdering = true;
                        property.WriteTo(json);
                        break;
                    case "nullable":
                        wroteNullable = true;
                        property.WriteTo(json);
                        break;
                    default:
                        wroteDescription |= name == "description";
                        wroteTitle |= name == "title";
                        property.WriteTo(json);
                        break;
                }
            }

            if (!wroteNullable && (nullableFromType || inherited?.Nullable == true))
                json.WriteBoolean("nullable", true);
            if (!wroteDescription && inherited?.Description is { } description)
                json.WriteString("description", description);
            if (!wroteTitle && inherited?.Title is { } title)
                json.WriteString("title", title);
            if (propertyOrdering && hasProperties && !wroteOrdering)
            {
                json.WriteStartArray("propertyOrdering");
                foreach (var child in properties.EnumerateObject())
                    json.WriteStringValue(child.Name);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }

        /// <summary>
        /// <c>anyOf</c> without its <c>null</c> option, the others marked nullable. A single remaining option is written
        /// in place of the <c>anyOf</c>; the schema's own title and description go onto each option (LiteLLM keeps only the
        /// <c>anyOf</c> next to them, which Gemini requires).
        /// </summary>
        void WriteAnyOf(JsonElement schema, List<JsonElement> options, int depth, Inherited? inherited)
        {
            var nullable = inherited?.Nullable == true;
            var kept = new List<JsonElement>(options.Count);
            foreach (var option in options)
            {
                if (option.ValueKind == JsonValueKind.Object && option.TryGetProperty("type", out var t)
                    && t.ValueKind == JsonValueKind.String && t.ValueEquals("null") && option.EnumerateObject().Count() == 1)
                    nullable = true;
                else
                    kept.Add(option);
            }
            var pushed = Merge(inherited, schema) is { } merged ? merged with { Nullable = nullable } : new Inherited(null, null, nullable);
            if (kept.Count == 0)
            {
                Error = ApiError.InvalidField(field, "an anyOf allows only null; Gemini needs a type that is not null.");
                return;
            }
            if (kept.Count == 1)
            {
                Write(kept[0], depth + 1, pushed);
                return;
            }
            json.WriteStartObject();
            json.WriteStartArray("anyOf");
            foreach (var option in kept)
                Write(option, depth + 1, pushed);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        void WriteInherited(Inherited? inherited)
        {
            if (inherited?.Nullable == true)
                json.WriteBoolean("nullable", true);
            if (inherited?.Description is { } description)
                json.WriteString("description", description);
            if (inherited?.Title is { } title)
                json.WriteString("title", title);
        }

        JsonElement? Resolve(string reference)
        {
            foreach (var prefix in (ReadOnlySpan<string>)["#/$defs/", "#/definitions/"])
                if (reference.StartsWith(prefix, StringComparison.Ordinal)
                    && definitions.TryGetValue(reference[prefix.Length..], out var target))
                    return target;
            return null;
        }

        /// <summary>The description and title a wrapper (<c>$ref</c> or <c>anyOf</c> holder) gives the schema it stands for.</summary>
        static Inherited? Merge(Inherited? outer, JsonElement wrapper)
        {
            var description = wrapper.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var title = wrapper.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var nullable = wrapper.TryGetProperty("nullable", out var n) && n.ValueKind == JsonValueKind.True;
            if (description is null && title is null && !nullable)
                return outer;
            return new Inherited(description ?? outer?.Description, title ?? outer?.Title, nullable || outer?.Nullable == true);
        }

        /// <summary>The schema's type: one name, whether <c>null</c> was among a list of them, and the others when more than one remains.</summary>
        static (string? Type, bool Nullable, List<string>? Alternatives) ReadType(JsonElement schema)
        {
            if (!schema.TryGetProperty("type", out var type))
                return (null, false, null);
            if (type.ValueKind == JsonValueKind.String)
                return (type.GetString(), false, null);
            if (type.ValueKind != JsonValueKind.Array)
                return (null, false, null);
            var names = type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList();
            var nullable = names.Remove("null");
            return names.Count switch
            {
                0 => (null, nullable, null),
                1 => (names[0], nullable, null),
                _ => (null, nullable, names),
            };
        }
    }

    readonly record struct Inherited(string? Description, string? Title, bool Nullable);
}
