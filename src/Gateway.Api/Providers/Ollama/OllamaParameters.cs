using System.Collections;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Ollama;

/// <summary>
/// What Ollama's generation endpoints take besides the conversation, from an OpenAI request (and the deployment's
/// <c>litellm_params</c> as defaults): <c>options</c> (<c>num_predict</c> from max_tokens, <c>temperature</c>,
/// <c>top_p</c>, <c>seed</c>, <c>stop</c>, penalties and Ollama's own Modelfile options), <c>format</c> from
/// <c>response_format</c> ("json" or the JSON schema), <c>think</c> from <c>reasoning_effort</c>, <c>keep_alive</c>.
/// </summary>
public static class OllamaParameters
{
    /// <summary>Ollama's Modelfile options, accepted by name from the request or the deployment (LiteLLM passes them on too).</summary>
    static readonly string[] NativeOptions =
    [
        "num_ctx", "num_keep", "num_batch", "num_gpu", "main_gpu", "num_thread", "repeat_last_n", "repeat_penalty",
        "top_k", "min_p", "typical_p", "mirostat", "mirostat_eta", "mirostat_tau", "tfs_z", "penalize_newline",
        "numa", "low_vram", "use_mmap", "use_mlock", "num_predict",
    ];

    /// <summary>OpenAI parameters that map to an Ollama option of the same name.</summary>
    static readonly string[] SameNameOptions = ["temperature", "top_p", "seed", "frequency_penalty", "presence_penalty"];

    /// <summary>
    /// OpenAI parameters Ollama cannot honour. Unless <c>drop_params</c> is set they are refused with a 400 rather than
    /// silently ignored, as LiteLLM does (UnsupportedParamsError).
    /// </summary>
    public static ApiError? Unsupported(JsonElement root, Deployment deployment)
    {
        if (deployment.DropParams)
            return null;
        List<string>? found = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            var unsupported = property.Name switch
            {
                "n" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n > 1,
                "logprobs" => value.ValueKind == JsonValueKind.True,
                "top_logprobs" or "logit_bias" or "audio" or "prediction" or "web_search_options" => value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined),
                "modalities" => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().Any(m => !m.ValueEquals("text")),
                _ => false,
            };
            if (unsupported)
                (found ??= []).Add(property.Name);
        }
        return found is null ? null : UnsupportedParams(deployment, found);
    }

    public static ApiError UnsupportedParams(Deployment deployment, IReadOnlyList<string> names) => new(400, "invalid_request_error",
        $"litellm.UnsupportedParamsError: {deployment.ProviderName} does not support parameters: [{string.Join(", ", names.Select(n => $"'{n}'"))}], " +
        $"for model={deployment.UpstreamModel}. To drop these, set `drop_params: true` under litellm_settings (or on this deployment's litellm_params).",
        null, "400");

    /// <summary>Writes <c>stream</c>, <c>options</c>, <c>format</c>, <c>think</c> and <c>keep_alive</c>.</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement root, Deployment deployment, bool stream)
    {
        writer.WriteBoolean("stream", stream);

        writer.WriteStartObject("options");
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            var option = OptionFor(property.Name, root);
            if (option is null || property.Value.ValueKind == JsonValueKind.Null || !written.Add(option))
                continue;
            writer.WritePropertyName(option);
            WriteOptionValue(writer, option, property.Value);
        }
        // The deployment's litellm_params are defaults; what the request says wins.
        foreach (var (name, value) in deployment.Params)
        {
            var option = OptionFor(name, default);
            if (option is null || value is null || !written.Add(option))
                continue;
            writer.WritePropertyName(option);
            if (option == "stop" && value is string single)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(single);
                writer.WriteEndArray();
            }
            else
            {
                WriteYaml(writer, value);
            }
        }
        writer.WriteEndObject();

        if (Format(root) is { } format)
        {
            writer.WritePropertyName("format");
            format.WriteTo(writer);
        }

        if (root.TryGetProperty("think", out var think) && think.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.String)
        {
            writer.WritePropertyName("think");
            think.WriteTo(writer);
        }
        else if (root.TryGetProperty("reasoning_effort", out var effort) && effort.ValueKind == JsonValueKind.String)
        {
            // gpt-oss takes the effort itself; other thinking models only on or off.
            if (deployment.UpstreamModel.StartsWith("gpt-oss", StringComparison.OrdinalIgnoreCase) && !effort.ValueEquals("none"))
                writer.WriteString("think", effort.GetString());
            else
                writer.WriteBoolean("think", !effort.ValueEquals("none"));
        }

        if (root.TryGetProperty("keep_alive", out var keepAlive) && keepAlive.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            writer.WritePropertyName("keep_alive");
            keepAlive.WriteTo(writer);
        }
        else if (deployment.Params.TryGetValue("keep_alive", out var configured) && configured is string or long or double)
        {
            writer.WritePropertyName("keep_alive");
            WriteYaml(writer, configured);
        }
    }

    /// <summary>The Ollama option an OpenAI (or Ollama) parameter sets, or null.</summary>
    static string? OptionFor(string name, JsonElement root)
    {
        if (name is "max_tokens")
            // max_completion_tokens is the newer name for the same limit; when both are sent it wins.
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("max_completion_tokens", out var newer) && newer.ValueKind == JsonValueKind.Number
                ? null : "num_predict";
        if (name is "max_completion_tokens" or "num_predict")
            return "num_predict";
        if (name is "stop")
            return "stop";
        if (SameNameOptions.Contains(name) || NativeOptions.Contains(name))
            return name;
        return null;
    }

    static void WriteOptionValue(Utf8JsonWriter writer, string option, JsonElement value)
    {
        if (option == "stop" && value.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(value.GetString());
            writer.WriteEndArray();
            return;
        }
        value.WriteTo(writer);
    }

    /// <summary><c>response_format</c> as Ollama's <c>format</c>: "json" for JSON mode, the schema for structured output.</summary>
    static JsonElement? Format(JsonElement root)
    {
        if (root.TryGetProperty("format", out var native) && native.ValueKind is JsonValueKind.String or JsonValueKind.Object)
            return native;
        if (!root.TryGetProperty("response_format", out var format) || format.ValueKind != JsonValueKind.Object
            || !format.TryGetProperty("type", out var type))
            return null;
        if (type.ValueEquals("json_object"))
            return Json.RootElement;
        if (type.ValueEquals("json_schema") && format.TryGetProperty("json_schema", out var wrapper)
            && wrapper.ValueKind == JsonValueKind.Object && wrapper.TryGetProperty("schema", out var schema))
            return schema;
        return null;
    }

    static readonly JsonDocument Json = JsonDocument.Parse("\"json\"");

    /// <summary>A config value as YAML typed it.</summary>
    static void WriteYaml(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case double d: writer.WriteNumberValue(d); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    writer.WritePropertyName(k);
                    WriteYaml(writer, v);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                    WriteYaml(writer, item);
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(value.ToString()); break;
        }
    }
}
