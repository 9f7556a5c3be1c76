using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// OpenAI <c>messages</c> as Gemini's <c>systemInstruction</c> and <c>contents</c>, as LiteLLM converts them:
/// system and developer messages become the system instruction (one text part each); user turns become
/// <c>role: user</c> contents and assistant turns <c>role: model</c> ones, consecutive turns of one side merged;
/// assistant <c>tool_calls</c> become <c>functionCall</c> parts (arguments parsed to an object) and each
/// <c>role: tool</c> result a <c>functionResponse</c> part named after the call it answers (a JSON object result goes
/// as it is, anything else as <c>{"content": …}</c>), the results of one turn together in one user content.
/// A user turn made only of media gets a blank text part, and a conversation of system messages only one blank user
/// turn: Gemini refuses both otherwise (LiteLLM's workarounds).
/// </summary>
internal sealed class GeminiContents
{
    /// <summary>What Google documents to send for a function call whose thought signature was lost (Gemini 3 requires one).</summary>
    public const string SkipSignatureValidator = "skip_thought_signature_validator";

    enum Turn { None, User, Model, ToolResults }

    readonly Utf8JsonWriter _json;
    readonly GeminiApi _api;
    readonly bool _needsSignatures;
    readonly Dictionary<string, string> _callNames = new(StringComparer.Ordinal);
    Turn _open = Turn.None;
    bool _openHasText;
    bool _openHasCall;
    bool _wroteAny;

    GeminiContents(Utf8JsonWriter json, GeminiApi api, string model)
    {
        _json = json;
        _api = api;
        _needsSignatures = GeminiModels.IsThirdGenerationOrLater(model);
    }

    /// <summary>Writes <c>systemInstruction</c> (when there are system messages) and <c>contents</c>.</summary>
    public static ApiError? Write(Utf8JsonWriter json, JsonElement messages, GeminiApi api, string model)
    {
        if (messages.ValueKind != JsonValueKind.Array)
            return ApiError.InvalidField("messages", "expected an array of {role, content} objects");
        if (WriteSystemInstruction(json, messages) is { } error)
            return error;
        return new GeminiContents(json, api, model).WriteContents(messages);
    }

    static ApiError? WriteSystemInstruction(Utf8JsonWriter json, JsonElement messages)
    {
        var started = false;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = index++;
            if (Role(message) is not ("system" or "developer"))
                continue;
            if (!message.TryGetProperty("content", out var content))
                continue;
            var texts = Texts(content, at, out var error);
            if (error is not null)
                return error;
            foreach (var text in texts)
            {
                if (!started)
                {
                    json.WriteStartObject("systemInstruction");
                    json.WriteStartArray("parts");
                    started = true;
                }
                json.WriteStartObject();
                json.WriteString("text", text);
                json.WriteEndObject();
            }
        }
        if (started)
        {
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return null;
    }

    ApiError? WriteContents(JsonElement messages)
    {
        _json.WriteStartArray("contents");
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = index++;
            var error = Role(message) switch
            {
                "system" or "developer" => null,
                "user" => User(message, at),
                "assistant" => Assistant(message, at),
                "tool" or "function" => ToolResult(message, at),
                var role => ApiError.InvalidField($"messages[{at}].role", $"'{role}' is not a role Gemini can take: use system, developer, user, assistant or tool."),
            };
            if (error is not null)
                return error;
        }
        Close();
        if (!_wroteAny)
        {
            // Only system messages: Gemini needs at least one turn.
            BeginPart(Turn.User);
            _json.WriteString("text", " ");
            _json.WriteEndObject();
            Close();
        }
        _json.WriteEndArray();
        return null;
    }

    ApiError? User(JsonElement message, int at)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            return null;
        if (content.ValueKind == JsonValueKind.String)
        {
            Text(Turn.User, content.GetString()!);
            return null;
        }
        if (content.ValueKind != JsonValueKind.Array)
            return ApiError.InvalidField($"messages[{at}].content", "expected a string or an array of content parts");

        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            var p = i++;
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "text":
                    if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                        Text(Turn.User, text.GetString()!);
                    break;
                case "image_url":
                    if (!part.TryGetProperty("image_url", out var image))
                        return ApiError.MissingField($"messages[{at}].content[{p}].image_url", "the image's url");
                    var (url, format) = image.ValueKind == JsonValueKind.String
                        ? (image.GetString(), null)
                        : (Str(image, "url"), Str(image, "format"));
                    if (string.IsNullOrEmpty(url))
                        return ApiError.MissingField($"messages[{at}].content[{p}].image_url.url", "a data: or https: URL");
                    if (Media(url, format) is { } imageError)
                        return ApiError.InvalidField($"messages[{at}].content[{p}].image_url.url", imageError);
                    break;
                case "input_audio":
                    var audio = part.TryGetProperty("input_audio", out var a) ? a : default;
                    var data = audio.ValueKind == JsonValueKind.Object ? Str(audio, "data") : null;
                    var audioFormat = audio.ValueKind == JsonValueKind.Object ? Str(audio, "format") : null;
                    if (data is null || audioFormat is null)
                        return ApiError.MissingField($"messages[{at}].content[{p}].input_audio", "data (base64) and format (e.g. \"wav\")");
                    var mediaType = audioFormat.StartsWith("audio/", StringComparison.Ordinal) ? audioFormat : "audio/" + audioFormat;
                    if (Media($"data:{mediaType};base64,{data}", null) is { } audioError)
                        return ApiError.InvalidField($"messages[{at}].content[{p}].input_audio", audioError);
                    break;
                case "file":
                    var file = part.TryGetProperty("file", out var f) ? f : default;
                    var source = file.ValueKind == JsonValueKind.Object ? Str(file, "file_data") ?? Str(file, "file_id") : null;
                    if (source is null)
                        return ApiError.MissingField($"messages[{at}].content[{p}].file", "file_data (a data: URL) or file_id (a URI Gemini can read)");
                    if (Media(source, Str(file, "format")) is { } fileError)
                        return ApiError.InvalidField($"messages[{at}].content[{p}].file", fileError);
                    break;
                default:
                    return ApiError.InvalidField($"messages[{at}].content[{p}].type", $"'{type}' parts cannot be sent to Gemini; use text, image_url, input_audio or file.");
            }
        }
        return null;
    }

    ApiError? Assistant(JsonElement message, int at)
    {
        if (message.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                Text(Turn.Model, content.GetString()!);
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                    if (part.ValueKind == JsonValueKind.Object && Str(part, "type") is "text" && Str(part, "text") is { } text)
                        Text(Turn.Model, text);
            }
        }

        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
            return null;
        var i = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var c = i++;
            var function = call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var fn) ? fn : default;
            var name = function.ValueKind == JsonValueKind.Object ? Str(function, "name") : null;
            if (string.IsNullOrEmpty(name))
                return ApiError.MissingField($"messages[{at}].tool_calls[{c}].function.name", "the name of the function called");
            var id = Str(call, "id");
            if (id is not null)
                _callNames[id] = name;

            var arguments = function.TryGetProperty("arguments", out var args) ? args : default;
            JsonDocument? parsed = null;
            try
            {
                if (arguments.ValueKind == JsonValueKind.String && arguments.GetString() is { Length: > 0 } argumentText)
                {
                    try
                    {
                        parsed = JsonDocument.Parse(argumentText);
                    }
                    catch (JsonException)
                    {
                        return ApiError.InvalidField($"messages[{at}].tool_calls[{c}].function.arguments", "expected a JSON object in a string, as the model produced it");
                    }
                    if (parsed.RootElement.ValueKind != JsonValueKind.Object)
                        return ApiError.InvalidField($"messages[{at}].tool_calls[{c}].function.arguments", "Gemini takes function arguments as a JSON object");
                }

                BeginPart(Turn.Model);
                _json.WriteStartObject("functionCall");
                _json.WriteString("name", name);
                _json.WritePropertyName("args");
                if (parsed is not null)
                    parsed.RootElement.WriteTo(_json);
                else if (arguments.ValueKind == JsonValueKind.Object)
                    arguments.WriteTo(_json);
                else
                {
                    _json.WriteStartObject();
                    _json.WriteEndObject();
                }
                _json.WriteEndObject();

                // Gemini 3 wants the signature of the first call of a step back; one lost on the way is replaced by
                // the value Google documents for that case, so the conversation can go on.
                var signature = ToolCallIds.SignatureOf(id);
                if (signature is null && _needsSignatures && !_openHasCall)
                    signature = SkipSignatureValidator;
                if (signature is not null)
                    _json.WriteString("thoughtSignature", signature);
                _json.WriteEndObject();
                _openHasCall = true;
            }
            finally
            {
                parsed?.Dispose();
            }
        }
        return null;
    }

    ApiError? ToolResult(JsonElement message, int at)
    {
        var id = Str(message, "tool_call_id");
        var name = id is not null && _callNames.TryGetValue(id, out var called) ? called : Str(message, "name");
        if (string.IsNullOrEmpty(name))
            return ApiError.InvalidField($"messages[{at}].tool_call_id",
                "no earlier assistant message has a tool call with this id; Gemini needs the name of the function a result answers.");

        var text = "";
        if (message.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
                text = content.GetString()!;
            else if (content.ValueKind == JsonValueKind.Array)
                text = string.Concat(content.EnumerateArray()
                    .Where(p => p.ValueKind == JsonValueKind.Object && Str(p, "type") == "text")
                    .Select(p => Str(p, "text")));
        }

        BeginPart(Turn.ToolResults);
        _json.WriteStartObject("functionResponse");
        _json.WriteString("name", name);
        _json.WritePropertyName("response");
        if (!WriteObjectResult(text))
        {
            _json.WriteStartObject();
            _json.WriteString("content", text);
            _json.WriteEndObject();
        }
        _json.WriteEndObject();
        _json.WriteEndObject();
        return null;
    }

    /// <summary>A result that is a JSON object goes to Gemini as that object (LiteLLM does the same).</summary>
    bool WriteObjectResult(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '{')
            return false;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return false;
            document.RootElement.WriteTo(_json);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes a media part into the user turn; why it cannot be sent otherwise.</summary>
    string? Media(string url, string? format)
    {
        EnsureOpen(Turn.User); // the part is written only when it can be sent; open the turn first so it lands inside it
        return GeminiMedia.Write(_json, url, format, _api);
    }

    void Text(Turn turn, string text)
    {
        if (text.Length == 0)
            return; // Gemini refuses empty text parts
        BeginPart(turn);
        _json.WriteString("text", text);
        _json.WriteEndObject();
        _openHasText = true;
    }

    /// <summary>Opens the right turn and starts a part object.</summary>
    void BeginPart(Turn turn)
    {
        EnsureOpen(turn);
        _json.WriteStartObject();
    }

    void EnsureOpen(Turn turn)
    {
        if (_open == turn)
            return;
        Close();
        _json.WriteStartObject();
        _json.WriteString("role", turn == Turn.Model ? "model" : "user");
        _json.WriteStartArray("parts");
        _open = turn;
        _wroteAny = true;
    }

    void Close()
    {
        if (_open == Turn.None)
            return;
        if (_open == Turn.User && !_openHasText)
        {
            // Media alone: Vertex refuses a turn without text (LiteLLM adds a blank one).
            _json.WriteStartObject();
            _json.WriteString("text", " ");
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        _json.WriteEndObject();
        _open = Turn.None;
        _openHasText = false;
        _openHasCall = false;
    }

    static List<string> Texts(JsonElement content, int at, out ApiError? error)
    {
        error = null;
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString() is { Length: > 0 } text ? [text] : [];
            case JsonValueKind.Array:
                var texts = new List<string>();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && Str(part, "type") == "text" && Str(part, "text") is { Length: > 0 } t)
                        texts.Add(t);
                    else if (part.ValueKind == JsonValueKind.Object && Str(part, "type") != "text")
                    {
                        error = ApiError.InvalidField($"messages[{at}].content", "a system message holds text only");
                        return [];
                    }
                }
                return texts;
            case JsonValueKind.Null:
                return [];
            default:
                error = ApiError.InvalidField($"messages[{at}].content", "expected a string or an array of text parts");
                return [];
        }
    }

    static string? Role(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String
            ? role.GetString()
            : null;

    static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
