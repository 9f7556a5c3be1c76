using System.Buffers;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// Translates an OpenAI chat request into a Gemini <c>GenerateContentRequest</c> (LITELLM.md §3, LiteLLM's
/// <c>VertexGeminiConfig.map_openai_params</c>): messages via <see cref="GeminiContents"/>, tools via
/// <see cref="GeminiTools"/>, and <c>generationConfig</c> from temperature, top_p, top_k, max_tokens
/// (<c>maxOutputTokens</c>), stop (<c>stopSequences</c>), n (<c>candidateCount</c>), seed, the penalties (not on
/// Gemini 3, which has none), logprobs, modalities, <c>response_format</c> (<c>responseMimeType</c> and
/// <c>responseSchema</c>) and <c>reasoning_effort</c> or <c>thinking</c> (<c>thinkingConfig</c>: token budgets before
/// Gemini 3, levels from it on, at LiteLLM's values). Gemini's own generation settings sent by a client (<c>top_k</c>,
/// <c>response_mime_type</c>, <c>thinking_config</c>, …) pass into <c>generationConfig</c>; <c>safety_settings</c> and
/// <c>cached_content</c> go to the top level. OpenAI parameters Gemini lacks are refused with a 400 naming them, or
/// dropped under <c>drop_params</c>; other unknown fields are left out, as LiteLLM leaves them out.
/// </summary>
internal static class GeminiRequest
{
    /// <summary>Fields that steer the gateway itself (LiteLLM's proxy fields) and never reach a provider.</summary>
    static readonly HashSet<string> GatewayOnly =
    [
        "model", "stream", "messages", "metadata", "litellm_metadata", "fallbacks", "context_window_fallback_dict",
        "num_retries", "tags", "mock_response", "mock_testing_fallbacks", "caching", "cache", "guardrails",
        "proxy_server_request", "drop_params", "stream_options", "user", "extra_headers", "timeout",
    ];

    /// <summary>OpenAI parameters with no Gemini counterpart.</summary>
    static readonly HashSet<string> OpenAIOnly =
    [
        "logit_bias", "prediction", "store", "audio", "functions", "function_call", "service_tier", "prompt_cache_key",
        "safety_identifier", "verbosity",
    ];

    /// <summary>Gemini's own <c>generationConfig</c> fields a client may send, in either spelling, with the name the API takes.</summary>
    static readonly Dictionary<string, string> NativeGenerationConfig = new(StringComparer.Ordinal)
    {
        ["top_k"] = "topK", ["topK"] = "topK",
        ["response_mime_type"] = "responseMimeType", ["responseMimeType"] = "responseMimeType",
        ["response_schema"] = "responseSchema", ["responseSchema"] = "responseSchema",
        ["response_json_schema"] = "responseJsonSchema", ["responseJsonSchema"] = "responseJsonSchema",
        ["thinking_config"] = "thinkingConfig", ["thinkingConfig"] = "thinkingConfig",
        ["media_resolution"] = "mediaResolution", ["mediaResolution"] = "mediaResolution",
        ["speech_config"] = "speechConfig", ["speechConfig"] = "speechConfig",
        ["response_modalities"] = "responseModalities", ["responseModalities"] = "responseModalities",
        ["candidate_count"] = "candidateCount", ["candidateCount"] = "candidateCount",
        ["max_output_tokens"] = "maxOutputTokens", ["maxOutputTokens"] = "maxOutputTokens",
        ["stop_sequences"] = "stopSequences", ["stopSequences"] = "stopSequences",
        ["image_config"] = "imageConfig", ["imageConfig"] = "imageConfig",
        ["enable_enhanced_civic_answers"] = "enableEnhancedCivicAnswers", ["enableEnhancedCivicAnswers"] = "enableEnhancedCivicAnswers",
    };

    public static byte[]? Write(ReadOnlyMemory<byte> body, Deployment deployment, GeminiApi api, out ApiError? error)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var model = deployment.UpstreamModel;
        var gemini3 = GeminiModels.IsThirdGenerationOrLater(model);
        var dropParams = deployment.DropParams || root.TryGetProperty("drop_params", out var drop) && drop.ValueKind == JsonValueKind.True;

        JsonElement messages = default, tools = default, toolChoice = default, parallelToolCalls = default, webSearch = default;
        JsonElement responseFormat = default, safetySettings = default, cachedContent = default, labels = default, thinking = default;
        string? reasoningEffort = null;
        var config = new List<(string Name, JsonElement Value)>();
        var native = new List<(string Name, JsonElement Value)>();
        var unsupported = new List<string>();

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
                continue;
            switch (property.Name)
            {
                case "messages": messages = value; break;
                case "temperature": config.Add(("temperature", value)); break;
                case "top_p": config.Add(("topP", value)); break;
                case "max_tokens" or "max_completion_tokens": config.Add(("maxOutputTokens", value)); break;
                case "n": config.Add(("candidateCount", value)); break;
                case "seed": config.Add(("seed", value)); break;
                case "stop": config.Add(("stopSequences", value)); break;
                case "logprobs": config.Add(("responseLogprobs", value)); break;
                case "top_logprobs": config.Add(("logprobs", value)); break;
                case "modalities": config.Add(("responseModalities", value)); break;
                case "presence_penalty" or "frequency_penalty":
                    if (gemini3)
                    {
                        // Gemini 3 has no penalties; zero asks for nothing.
                        if (!(value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0))
                            unsupported.Add(property.Name);
                    }
                    else
                    {
                        config.Add((property.Name == "presence_penalty" ? "presencePenalty" : "frequencyPenalty", value));
                    }
                    break;
                case "tools": tools = value; break;
                case "tool_choice": toolChoice = value; break;
                case "parallel_tool_calls": parallelToolCalls = value; break;
                case "web_search_options": webSearch = value; break;
                case "response_format": responseFormat = value; break;
                case "reasoning_effort":
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        error = ApiError.InvalidField("reasoning_effort", "expected a string");
                        return null;
                    }
                    reasoningEffort = value.GetString();
                    break;
                case "thinking": thinking = value; break;
                case "safety_settings" or "safetySettings": safetySettings = value; break;
                case "cached_content" or "cachedContent": cachedContent = value; break;
                case "labels": labels = value; break;
                case var name when NativeGenerationConfig.TryGetValue(name, out var geminiName):
                    native.Add((geminiName, value));
                    break;
                case var name when GatewayOnly.Contains(name):
                    break;
                case var name when OpenAIOnly.Contains(name):
                    if (!IsNoOp(name, value))
                        unsupported.Add(name);
                    break;
                default:
                    break; // LiteLLM sends Gemini only the fields its API has
            }
        }

        if (unsupported.Count > 0 && !dropParams)
        {
            error = new ApiError(400, "invalid_request_error",
                $"litellm.UnsupportedParamsError: {deployment.ProviderName} does not support parameters: [{string.Join(", ", unsupported.Select(p => $"'{p}'"))}], " +
                $"for model={model}. To drop these, set `drop_params: true` on the deployment's litellm_params or in " +
                "litellm_settings (or send \"drop_params\": true).",
                unsupported[0], "400");
            return null;
        }

        reasoningEffort ??= Param(deployment, "reasoning_effort") as string;
        var output = new ArrayBufferWriter<byte>(body.Length + 512);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            if ((error = GeminiContents.Write(json, messages, api, model)) is not null)
                return null;
            if ((error = GeminiTools.Write(json, tools, toolChoice, parallelToolCalls, webSearch, dropParams)) is not null)
                return null;

            if (safetySettings.ValueKind == JsonValueKind.Array)
            {
                json.WritePropertyName("safetySettings");
                safetySettings.WriteTo(json);
            }
            else if (Param(deployment, "safety_settings") is { } configured)
            {
                json.WritePropertyName("safetySettings");
                ConfigValue.Write(json, configured);
            }

            if ((error = WriteGenerationConfig(json, config, native, responseFormat, reasoningEffort, thinking, deployment, gemini3)) is not null)
                return null;

            if (cachedContent.ValueKind == JsonValueKind.String)
                json.WriteString("cachedContent", cachedContent.GetString());
            if (api == GeminiApi.VertexAI && labels.ValueKind == JsonValueKind.Object)
            {
                json.WritePropertyName("labels"); // Vertex bills by them; AI Studio has no such field
                labels.WriteTo(json);
            }
            json.WriteEndObject();
        }
        error = null;
        return output.WrittenSpan.ToArray();
    }

    static ApiError? WriteGenerationConfig(Utf8JsonWriter json, List<(string Name, JsonElement Value)> config,
        List<(string Name, JsonElement Value)> native, JsonElement responseFormat, string? reasoningEffort, JsonElement thinking,
        Deployment deployment, bool gemini3)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        json.WriteStartObject("generationConfig");
        foreach (var (name, value) in config)
        {
            if (!written.Add(name))
                continue;
            if (name == "stopSequences")
            {
                json.WriteStartArray(name);
                if (value.ValueKind == JsonValueKind.String)
                    json.WriteStringValue(value.GetString());
                else if (value.ValueKind == JsonValueKind.Array)
                    foreach (var stop in value.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String))
                        json.WriteStringValue(stop.GetString());
                else
                    return ApiError.InvalidField("stop", "expected a string or an array of strings");
                json.WriteEndArray();
            }
            else if (name == "responseModalities")
            {
                if (value.ValueKind != JsonValueKind.Array)
                    return ApiError.InvalidField("modalities", "expected an array such as [\"text\"]");
                json.WriteStartArray(name);
                foreach (var modality in value.EnumerateArray())
                    json.WriteStringValue(modality.ValueKind == JsonValueKind.String ? modality.GetString()!.ToUpperInvariant() switch
                    {
                        "TEXT" or "IMAGE" or "AUDIO" => modality.GetString()!.ToUpperInvariant(),
                        _ => "MODALITY_UNSPECIFIED",
                    } : "MODALITY_UNSPECIFIED");
                json.WriteEndArray();
            }
            else
            {
                json.WritePropertyName(name);
                value.WriteTo(json);
            }
        }

        if ((ResponseFormat(json, responseFormat, written) is { } formatError))
            return formatError;

        foreach (var (name, value) in native)
        {
            if (!written.Add(name))
                continue;
            json.WritePropertyName(name);
            value.WriteTo(json);
        }

        // Defaults set on the deployment (litellm_params.temperature, …) apply when the request has none.
        foreach (var (param, name) in (ReadOnlySpan<(string, string)>)[("temperature", "temperature"), ("top_p", "topP"), ("top_k", "topK"), ("max_tokens", "maxOutputTokens")])
        {
            if (written.Contains(name))
                continue;
            switch (Param(deployment, param))
            {
                case long whole: json.WriteNumber(name, whole); written.Add(name); break;
                case double real: json.WriteNumber(name, real); written.Add(name); break;
            }
        }

        if (!written.Contains("thinkingConfig"))
        {
            if (Thinking(json, reasoningEffort, thinking, deployment.UpstreamModel, gemini3) is { } thinkingError)
                return thinkingError;
        }
        // LiteLLM's Gemini 3 default: temperature 1.0, which Google recommends there (lower values can loop).
        if (gemini3 && !written.Contains("temperature"))
            json.WriteNumber("temperature", 1.0);
        json.WriteEndObject();
        return null;
    }

    /// <summary><c>response_format</c>: text → text/plain; json_object → application/json; json_schema → application/json with its schema.</summary>
    static ApiError? ResponseFormat(Utf8JsonWriter json, JsonElement format, HashSet<string> written)
    {
        if (format.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return null;
        var type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : null;
        JsonElement schema = default;
        switch (type)
        {
            case "text":
                json.WriteString("responseMimeType", "text/plain");
                written.Add("responseMimeType");
                return null;
            case "json_object":
                // LiteLLM also reads a schema given as response_format.response_schema.
                if (format.TryGetProperty("response_schema", out var given) && given.ValueKind == JsonValueKind.Object)
                    schema = given;
                break;
            case "json_schema":
                if (!format.TryGetProperty("json_schema", out var wrapper) || wrapper.ValueKind != JsonValueKind.Object
                    || !wrapper.TryGetProperty("schema", out schema) || schema.ValueKind != JsonValueKind.Object)
                    return ApiError.InvalidField("response_format.json_schema.schema", "expected a JSON Schema object");
                break;
            default:
                return ApiError.InvalidField("response_format.type", "expected \"text\", \"json_object\" or \"json_schema\"");
        }
        json.WriteString("responseMimeType", "application/json");
        written.Add("responseMimeType");
        if (schema.ValueKind == JsonValueKind.Object)
        {
            json.WritePropertyName("responseSchema");
            if (GeminiSchema.Write(json, schema, "response_format.json_schema.schema", propertyOrdering: true) is { } error)
                return error;
            written.Add("responseSchema");
        }
        return null;
    }

    /// <summary>
    /// <c>thinking</c> (Anthropic's shape: enabled with a budget) or <c>reasoning_effort</c>, as LiteLLM maps them:
    /// before Gemini 3 a token budget (minimal: the model's smallest, low 1024, medium 2048, high 4096, none or
    /// disable 0) with thoughts included; from Gemini 3 on a level (minimal and low → low, medium and high → high, none
    /// and disable → low without thoughts, since Gemini 3 cannot stop thinking), and low when nothing is asked.
    /// </summary>
    static ApiError? Thinking(Utf8JsonWriter json, string? effort, JsonElement thinking, string model, bool gemini3)
    {
        int? budget = null;
        string? level = null;
        bool? include = null;
        if (thinking.ValueKind == JsonValueKind.Object)
        {
            var enabled = thinking.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("enabled");
            if (thinking.TryGetProperty("budget_tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Number && tokens.TryGetInt32(out var b))
                budget = b;
            if (enabled && budget != 0)
                include = true;
        }
        else if (effort is not null)
        {
            if (gemini3)
            {
                (level, include) = effort switch
                {
                    "minimal" or "low" => ("low", true),
                    "medium" or "high" => ("high", true),
                    "none" or "disable" => ("low", false),
                    _ => ((string?)null, (bool?)null),
                };
            }
            else
            {
                (budget, include) = effort switch
                {
                    "minimal" => (GeminiModels.MinimalThinkingBudget(model), (bool?)true),
                    "low" => (1024, true),
                    "medium" => (2048, true),
                    "high" => (4096, true),
                    "none" or "disable" => (0, false),
                    _ => ((int?)null, (bool?)null),
                };
            }
            if (include is null)
                return ApiError.InvalidField("reasoning_effort", "expected \"none\", \"minimal\", \"low\", \"medium\" or \"high\"");
        }

        if (gemini3 && budget is null && level is null)
            level = "low";
        if (budget is null && level is null && include is null)
            return null;

        json.WriteStartObject("thinkingConfig");
        if (include is { } includeThoughts)
            json.WriteBoolean("includeThoughts", includeThoughts);
        if (budget is { } tokenBudget)
            json.WriteNumber("thinkingBudget", tokenBudget);
        if (level is not null)
            json.WriteString("thinkingLevel", level);
        json.WriteEndObject();
        return null;
    }

    /// <summary>OpenAI's default value of a parameter Gemini lacks asks for nothing, so it need not be refused.</summary>
    static bool IsNoOp(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.False => true,
        JsonValueKind.Object => name == "logit_bias" && !value.EnumerateObject().Any(),
        JsonValueKind.String => name == "service_tier" && value.ValueEquals("auto"),
        _ => false,
    };

    static object? Param(Deployment deployment, string name) => deployment.Params.GetValueOrDefault(name);
}
