using System.Collections;
using System.Text.Json;

namespace Gateway.Api.Providers.Gemini;

/// <summary>A <c>litellm_params</c> value as YAML typed it (scalars, maps, lists), written as JSON: e.g. <c>safety_settings</c>.</summary>
internal static class ConfigValue
{
    public static void Write(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string text: json.WriteStringValue(text); break;
            case bool flag: json.WriteBooleanValue(flag); break;
            case long whole: json.WriteNumberValue(whole); break;
            case int small: json.WriteNumberValue(small); break;
            case double real: json.WriteNumberValue(real); break;
            case decimal exact: json.WriteNumberValue(exact); break;
            case IReadOnlyDictionary<string, object?> map:
                json.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    json.WritePropertyName(key);
                    Write(json, item);
                }
                json.WriteEndObject();
                break;
            case IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items)
                    Write(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }
}
