using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// OpenAI <c>tools</c> and <c>tool_choice</c> as Gemini's <c>tools</c> and <c>toolConfig</c> (LiteLLM's mapping):
/// functions become <c>functionDeclarations</c> with their parameters in Gemini's schema dialect
/// (<see cref="GeminiSchema"/>; a function without arguments gets no <c>parameters</c>, which Gemini would refuse as an
/// empty object); Gemini's own tools (<c>googleSearch</c>, <c>codeExecution</c>, <c>urlContext</c>, …) and
/// <c>web_search_options</c> (→ <c>googleSearch</c>) join them in the one tool object; <c>tool_choice</c> auto → AUTO,
/// none → NONE, required → ANY, a named function → ANY limited to it.
/// </summary>
internal static class GeminiTools
{
    /// <summary>Gemini's built-in tools, under either spelling clients use, with the name the API takes.</summary>
    static readonly Dictionary<string, string> BuiltIn = new(StringComparer.Ordinal)
    {
        ["googleSearch"] = "googleSearch", ["google_search"] = "googleSearch",
        ["googleSearchRetrieval"] = "googleSearchRetrieval", ["google_search_retrieval"] = "googleSearchRetrieval",
        ["codeExecution"] = "codeExecution", ["code_execution"] = "codeExecution",
        ["urlContext"] = "urlContext", ["url_context"] = "urlContext",
        ["enterpriseWebSearch"] = "enterpriseWebSearch", ["enterprise_web_search"] = "enterpriseWebSearch",
        ["googleMaps"] = "googleMaps", ["google_maps"] = "googleMaps",
    };

    public static ApiError? Write(Utf8JsonWriter json, JsonElement tools, JsonElement toolChoice, JsonElement parallelToolCalls,
        JsonElement webSearchOptions, bool dropParams)
    {
        if (tools.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null))
            return ApiError.InvalidField("tools", "expected an array of {type: \"function\", function: {name, description, parameters}}");

        var functions = new List<(JsonElement Function, int Index)>();
        var builtIn = new List<(string Name, JsonElement Config)>();
        if (tools.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var index = i++;
                if (tool.ValueKind != JsonValueKind.Object)
                    return ApiError.InvalidField($"tools[{index}]", "expected an object");
                if (tool.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                        return ApiError.MissingField($"tools[{index}].function.name", "the function's name");
                    functions.Add((function, index));
                    continue;
                }
                var native = tool.EnumerateObject().Where(p => p.Name != "type").ToList();
                if (native.Count == 1 && BuiltIn.TryGetValue(native[0].Name, out var builtInName))
                {
                    builtIn.Add((builtInName, native[0].Value));
                    continue;
                }
                return ApiError.InvalidField($"tools[{index}]",
                    "expected {type: \"function\", function: {…}} or one of Gemini's tools (googleSearch, codeExecution, urlContext, …)");
            }
        }
        if (webSearchOptions.ValueKind == JsonValueKind.Object && !builtIn.Any(b => b.Name == "googleSearch"))
            builtIn.Add(("googleSearch", default)); // Gemini takes neither user_location nor search_context_size

        if (parallelToolCalls.ValueKind == JsonValueKind.False && functions.Count > 1 && !dropParams)
            return new ApiError(400, "invalid_request_error",
                "`parallel_tool_calls=False` is not supported by Gemini when multiple tools are provided. Specify a single tool, " +
                "or set `parallel_tool_calls=True`. To drop this param, set `drop_params: true` on the deployment or in litellm_settings.",
                "parallel_tool_calls", "400");

        if (functions.Count == 0 && builtIn.Count == 0)
            return null; // a tool_choice without tools chooses nothing; Gemini would refuse the config

        json.WriteStartArray("tools");
        json.WriteStartObject();
        if (functions.Count > 0)
        {
            json.WriteStartArray("functionDeclarations");
            foreach (var (function, index) in functions)
            {
                json.WriteStartObject();
                json.WriteString("name", function.GetProperty("name").GetString());
                if (function.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
                    json.WriteString("description", description.GetString());
                if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                    && !GeminiSchema.IsEmptyObject(parameters))
                {
                    json.WritePropertyName("parameters");
                    if (GeminiSchema.Write(json, parameters, $"tools[{index}].function.parameters", propertyOrdering: false) is { } error)
                        return error;
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        foreach (var (name, config) in builtIn)
        {
            json.WritePropertyName(name);
            if (config.ValueKind == JsonValueKind.Object)
                config.WriteTo(json);
            else
            {
                json.WriteStartObject();
                json.WriteEndObject();
            }
        }
        json.WriteEndObject();
        json.WriteEndArray();

        return functions.Count > 0 ? ToolConfig(json, toolChoice) : null;
    }

    static ApiError? ToolConfig(Utf8JsonWriter json, JsonElement choice)
    {
        string? mode = null, only = null;
        switch (choice.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                mode = choice.GetString() switch
                {
                    "auto" => "AUTO",
                    "none" => "NONE",
                    "required" or "any" => "ANY",
                    _ => null,
                };
                break;
            case JsonValueKind.Object:
                if (choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                    && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    mode = "ANY";
                    only = name.GetString();
                }
                break;
        }
        if (mode is null)
            return ApiError.InvalidField("tool_choice",
                "Gemini supports tool_choice \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}");

        json.WriteStartObject("toolConfig");
        json.WriteStartObject("functionCallingConfig");
        json.WriteString("mode", mode);
        if (only is not null)
        {
            json.WriteStartArray("allowedFunctionNames");
            json.WriteStringValue(only);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        return null;
    }
}
