using System.Buffers;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>An OpenAI chat request as an Anthropic Messages request, and whether JSON mode rides on a forced tool.</summary>
public sealed record AnthropicRequestBody(byte[] Json, bool JsonMode);

/// <summary>
/// Translates an OpenAI chat completion request into an Anthropic Messages request (LITELLM.md §3): system and developer
/// messages to the top-level <c>system</c>, same-role turns merged, tools and tool results as content blocks,
/// <c>max_tokens</c> always set, <c>stop</c> → <c>stop_sequences</c>, <c>user</c> → <c>metadata.user_id</c>,
/// <c>reasoning_effort</c> → <c>thinking</c>, <c>response_format</c> → a forced tool as LiteLLM does it.
/// OpenAI parameters Anthropic lacks are dropped under <c>drop_params</c>, else refused with a 400 that names them;
/// when they hold OpenAI's default (<c>n: 1</c>, <c>presence_penalty: 0</c>, …) they change nothing and are ignored.
/// Anthropic's own parameters (<c>top_k</c>, <c>thinking</c>, …) pass through.
/// </summary>
public static class AnthropicRequest
{
    /// <summary>What LiteLLM sends when the request does not say (Anthropic requires a value).</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>The forced tool that carries a JSON-mode answer (LiteLLM's name, so traces look the same).</summary>
    public const string JsonToolName = "json_tool_call";

    /// <summary>Fields that steer the gateway itself (LiteLLM's proxy fields) and never reach a provider.</summary>
    static readonly HashSet<string> GatewayOnly =
    [
        "metadata", "litellm_metadata", "fallbacks", "context_window_fallback_dict", "num_retries", "tags",
        "mock_response", "mock_testing_fallbacks", "caching", "cache", "guardrails", "proxy_server_request",
        "drop_params", "stream_options",
    ];

    /// <summary>OpenAI parameters with no Anthropic counterpart.</summary>
    static readonly HashSet<string> OpenAIOnly =
    [
        "frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs", "seed", "modalities",
        "audio", "prediction", "store", "functions", "function_call", "web_search_options", "verbosity", "n",
        "service_tier", "prompt_cache_key", "safety_identifier",
    ];

    public static AnthropicRequestBody? Translate(ReadOnlyMemory<byte> body, Deployment deployment, bool stream, out ApiError? error)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var dropParams = deployment.DropParams || root.TryGetProperty("drop_params", out var drop) && drop.ValueKind == JsonValueKind.True;

        var unsupported = new List<string>();
        JsonElement messages = default, tools = default, toolChoice = default, responseFormat = default, thinking = default;
        bool? parallelToolCalls = null;
        string? reasoningEffort = null;
        int? maxTokens = null;
        var passThrough = new List<JsonProperty>();
        JsonElement stop = default, user = default;

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "model" or "stream":
                    break;
                case "messages":
                    messages = value;
                    break;
                case "max_tokens" or "max_completion_tokens":
                    if (value.ValueKind == JsonValueKind.Number)
                        maxTokens = value.GetInt32();
                    break;
                case "tools":
                    tools = value;
                    break;
                case "tool_choice":
                    toolChoice = value;
                    break;
                case "parallel_tool_calls":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        parallelToolCalls = value.GetBoolean();
                    break;
                case "response_format":
                    responseFormat = value;
                    break;
                case "reasoning_effort":
                    if (value.ValueKind == JsonValueKind.String)
                        reasoningEffort = value.GetString();
                    break;
                case "thinking":
                    thinking = value;
                    break;
                case "stop":
                    stop = value;
                    break;
                case "user":
                    user = value;
                    break;
                case var name when GatewayOnly.Contains(name):
                    break;
                case var name when OpenAIOnly.Contains(name):
                    if (!IsNoOp(name, value))
                        unsupported.Add(name);
                    break;
                default:
                    passThrough.Add(property);
                    break;
            }
        }

        if (unsupported.Count > 0 && !dropParams)
        {
            error = new ApiError(400, "invalid_request_error",
                $"anthropic does not support parameters: [{string.Join(", ", unsupported.Select(p => $"'{p}'"))}], " +
                $"for model={deployment.UpstreamModel}. To drop these, set `drop_params: true` on the deployment's " +
                "litellm_params or in litellm_settings (or send \"drop_params\": true).",
                unsupported[0], "400");
            return null;
        }

        var budget = ThinkingBudget(reasoningEffort, thinking, out error);
        if (error is not null)
            return null;

        var output = new ArrayBufferWriter<byte>(body.Length + 256);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("model", deployment.UpstreamModel);
            json.WriteNumber("max_tokens", MaxTokens(maxTokens ?? ParamInt(deployment, "max_tokens"), budget));

            if (!AnthropicMessages.Write(json, messages, out error))
                return null;

            var jsonMode = AnthropicTools.Write(json, tools, toolChoice, parallelToolCalls, responseFormat, thinkingEnabled: budget is not null, out error);
            if (error is not null)
                return null;

            if (stream)
                json.WriteBoolean("stream", true);
            WriteStop(json, stop, dropParams);
            WriteUser(json, user);

            if (thinking.ValueKind == JsonValueKind.Object)
            {
                json.WritePropertyName("thinking");
                thinking.WriteTo(json);
            }
            else if (budget is { } tokens)
            {
                json.WriteStartObject("thinking");
                json.WriteString("type", "enabled");
                json.WriteNumber("budget_tokens", tokens);
                json.WriteEndObject();
            }

            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in passThrough)
            {
                if (property.Value.ValueKind == JsonValueKind.Null)
                    continue;
                written.Add(property.Name);
                property.WriteTo(json);
            }
            WriteDefaults(json, deployment, written);

            json.WriteEndObject();
            json.Flush();
            error = null;
            return new AnthropicRequestBody(output.WrittenSpan.ToArray(), jsonMode);
        }
    }

    /// <summary>OpenAI's default value of a parameter Anthropic lacks asks for nothing, so it need not be refused.</summary>
    static bool IsNoOp(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False => true,
        JsonValueKind.Number => name switch
        {
            "n" => value.TryGetInt32(out var n) && n == 1,
            "frequency_penalty" or "presence_penalty" or "top_logprobs" => value.GetDouble() == 0,
            _ => false,
        },
        JsonValueKind.Object => name == "logit_bias" && !value.EnumerateObject().Any(),
        JsonValueKind.String => name == "service_tier" && value.ValueEquals("auto"),
        _ => false,
    };

    /// <summary>
    /// The thinking budget asked for: Anthropic's own <c>thinking</c> object, or OpenAI's <c>reasoning_effort</c> at
    /// LiteLLM's budgets (low 1024, medium 2048, high 4096; Anthropic's minimum is 1024, so minimal is 1024 too).
    /// </summary>
    static int? ThinkingBudget(string? effort, JsonElement thinking, out ApiError? error)
    {
        error = null;
        if (thinking.ValueKind == JsonValueKind.Object)
        {
            return thinking.TryGetProperty("type", out var type) && type.ValueEquals("enabled")
                && thinking.TryGetProperty("budget_tokens", out var tokens) && tokens.TryGetInt32(out var budget)
                ? budget
                : null;
        }
        switch (effort)
        {
            case null or "none":
                return null;
            case "minimal" or "low":
                return 1024;
            case "medium":
                return 2048;
            case "high":
                return 4096;
            default:
                error = ApiError.InvalidField("reasoning_effort", "expected \"none\", \"minimal\", \"low\", \"medium\" or \"high\"");
                return null;
        }
    }

    /// <summary>
    /// Anthropic requires <c>max_tokens</c>: the request's, else the deployment's <c>litellm_params.max_tokens</c>, else
    /// LiteLLM's 4096 (not the model's output limit: a non-streamed call that may run for many minutes is refused).
    /// With thinking it must exceed the budget, so a default that would not is raised above it.
    /// </summary>
    static int MaxTokens(int? requested, int? thinkingBudget)
    {
        if (requested is { } explicitMax)
            return explicitMax;
        var max = DefaultMaxTokens;
        if (thinkingBudget is { } budget && max <= budget)
            max = budget + DefaultMaxTokens;
        return max;
    }

    static void WriteStop(Utf8JsonWriter json, JsonElement stop, bool dropParams)
    {
        // Anthropic refuses whitespace-only stop sequences; LiteLLM drops them under drop_params.
        static bool Keep(string? value, bool drop) => !string.IsNullOrEmpty(value) && !(drop && string.IsNullOrWhiteSpace(value));

        if (stop.ValueKind == JsonValueKind.String)
        {
            var value = stop.GetString();
            if (!Keep(value, dropParams))
                return;
            json.WriteStartArray("stop_sequences");
            json.WriteStringValue(value);
            json.WriteEndArray();
        }
        else if (stop.ValueKind == JsonValueKind.Array)
        {
            var values = stop.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString())
                .Where(s => Keep(s, dropParams)).ToList();
            if (values.Count == 0)
                return;
            json.WriteStartArray("stop_sequences");
            foreach (var value in values)
                json.WriteStringValue(value);
            json.WriteEndArray();
        }
    }

    /// <summary>Anthropic refuses an email address or phone number as <c>user_id</c>; LiteLLM leaves those out, and so do we.</summary>
    static void WriteUser(Utf8JsonWriter json, JsonElement user)
    {
        if (user.ValueKind != JsonValueKind.String || user.GetString() is not { Length: > 0 } id)
            return;
        if (id.Contains('@') || LooksLikePhoneNumber(id))
            return;
        json.WriteStartObject("metadata");
        json.WriteString("user_id", id);
        json.WriteEndObject();
    }

    static bool LooksLikePhoneNumber(string id)
    {
        var digits = 0;
        foreach (var c in id)
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (c is not ('+' or ' ' or '-' or '(' or ')')) return false;
        }
        return digits >= 7;
    }

    /// <summary>Sampling defaults set on the deployment (<c>litellm_params.temperature</c>, …) apply when the request has none.</summary>
    static void WriteDefaults(Utf8JsonWriter json, Deployment deployment, HashSet<string> written)
    {
        foreach (var name in (ReadOnlySpan<string>)["temperature", "top_p", "top_k"])
        {
            if (written.Contains(name) || !deployment.Params.TryGetValue(name, out var value))
                continue;
            switch (value)
            {
                case long whole: json.WriteNumber(name, whole); break;
                case double real: json.WriteNumber(name, real); break;
            }
        }
    }

    static int? ParamInt(Deployment deployment, string name) =>
        deployment.Params.TryGetValue(name, out var value) && value is long number && number is > 0 and <= int.MaxValue ? (int)number : null;
}
