using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Anthropic;

/// <summary>
/// OpenAI chat messages as Anthropic's top-level <c>system</c> and its <c>messages</c>. Anthropic has no system role,
/// wants user and assistant turns to alternate starting with a user turn, carries tool calls as <c>tool_use</c>
/// blocks and tool results as <c>tool_result</c> blocks at the head of a user turn, and refuses empty text blocks.
/// </summary>
public static class AnthropicMessages
{
    /// <summary>LiteLLM's stand-in user turn when a conversation would otherwise not start with one.</summary>
    const string PlaceholderUserText = ".";

    public static bool Write(Utf8JsonWriter json, JsonElement messages, out ApiError? error)
    {
        error = null;
        var system = new List<Block>();
        var turns = new List<Turn>();

        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
            var blocks = new List<Block>();
            var ok = role switch
            {
                "system" or "developer" => Content(message, $"messages[{index}]", system, textOnly: true, out error),
                "user" => Content(message, $"messages[{index}]", blocks, textOnly: false, out error),
                "assistant" => Assistant(message, index, blocks, out error),
                "tool" => ToolResult(message, index, blocks, out error),
                _ => Fail(out error, $"messages[{index}].role", "expected \"system\", \"developer\", \"user\", \"assistant\" or \"tool\""),
            };
            if (!ok)
                return false;

            if (role is "system" or "developer")
            {
                ApplyMessageCacheControl(message, system);
            }
            else
            {
                ApplyMessageCacheControl(message, blocks);
                Add(turns, role == "assistant" ? "assistant" : "user", blocks);
            }
            index++;
        }

        if (turns.Count == 0 || turns[0].Role != "user")
            turns.Insert(0, new Turn("user", [Block.OfText(PlaceholderUserText)]));

        // Anthropic refuses a final assistant turn (a prefill) that ends in whitespace.
        if (turns[^1].Role == "assistant" && turns[^1].Blocks[^1] is { Text: { } last } finalText)
            finalText.Text = last.TrimEnd();

        if (system.Count > 0)
        {
            json.WriteStartArray("system");
            foreach (var block in system)
                block.Write(json);
            json.WriteEndArray();
        }

        json.WriteStartArray("messages");
        foreach (var turn in turns)
        {
            json.WriteStartObject();
            json.WriteString("role", turn.Role);
            json.WriteStartArray("content");
            // Tool results must open a user turn; a user's text after them follows.
            foreach (var block in turn.Blocks.Where(b => b.IsToolResult))
                block.Write(json);
            foreach (var block in turn.Blocks.Where(b => !b.IsToolResult))
                block.Write(json);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        return true;
    }

    /// <summary>Consecutive turns of one role become one turn, as Anthropic requires.</summary>
    static void Add(List<Turn> turns, string role, List<Block> blocks)
    {
        if (blocks.Count == 0)
            return;
        if (turns.Count > 0 && turns[^1].Role == role)
            turns[^1].Blocks.AddRange(blocks);
        else
            turns.Add(new Turn(role, blocks));
    }

    /// <summary>A message-level <c>cache_control</c> (LiteLLM's form) marks the message's last block.</summary>
    static void ApplyMessageCacheControl(JsonElement message, List<Block> blocks)
    {
        if (blocks.Count > 0 && message.TryGetProperty("cache_control", out var cache) && cache.ValueKind == JsonValueKind.Object)
            blocks[^1].CacheControl = cache;
    }

    /// <summary>A string or an array of content parts: text, images (data: or http URLs), PDF files.</summary>
    static bool Content(JsonElement message, string path, List<Block> blocks, bool textOnly, out ApiError? error)
    {
        error = null;
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            return true;
        if (content.ValueKind == JsonValueKind.String)
        {
            if (content.GetString() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text))
                blocks.Add(Block.OfText(text));
            return true;
        }
        if (content.ValueKind != JsonValueKind.Array)
            return Fail(out error, $"{path}.content", "expected a string or an array of content parts");

        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}.content[{i++}]";
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
            Block? block;
            switch (type)
            {
                case "text":
                    var text = part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                    if (text is null)
                        return Fail(out error, $"{partPath}.text", "expected a string");
                    if (string.IsNullOrWhiteSpace(text))
                        continue; // Anthropic refuses empty text blocks
                    block = Block.OfText(text);
                    break;
                case "image_url" when !textOnly:
                    if (!Image(part, partPath, out block, out error))
                        return false;
                    break;
                case "file" when !textOnly:
                    if (!File(part, partPath, out block, out error))
                        return false;
                    break;
                default:
                    return Fail(out error, $"{partPath}.type", textOnly
                        ? "a system message may hold only text parts"
                        : $"content part type \"{type}\" is not supported for anthropic; use text, image_url or file");
            }
            if (part.TryGetProperty("cache_control", out var cache) && cache.ValueKind == JsonValueKind.Object)
                block.CacheControl = cache;
            blocks.Add(block);
        }
        return true;
    }

    /// <summary><c>data:image/png;base64,…</c> becomes a base64 source (a PDF one a document); an http(s) URL a url source.</summary>
    static bool Image(JsonElement part, string path, out Block block, out ApiError? error)
    {
        block = null!;
        error = null;
        var imageUrl = part.TryGetProperty("image_url", out var u) ? u : default;
        var url = imageUrl.ValueKind switch
        {
            JsonValueKind.String => imageUrl.GetString(),
            JsonValueKind.Object when imageUrl.TryGetProperty("url", out var inner) && inner.ValueKind == JsonValueKind.String => inner.GetString(),
            _ => null,
        };
        if (string.IsNullOrEmpty(url))
            return Fail(out error, $"{path}.image_url.url", "expected a data: URL or an http(s) URL");

        if (DataUrl.TryParse(url, out var mediaType, out var data))
        {
            var kind = mediaType == "application/pdf" ? "document" : "image";
            block = Block.Of(json =>
            {
                json.WriteString("type", kind);
                json.WriteStartObject("source");
                json.WriteString("type", "base64");
                json.WriteString("media_type", mediaType);
                json.WriteString("data", data);
                json.WriteEndObject();
            });
            return true;
        }
        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            block = Block.Of(json =>
            {
                json.WriteString("type", "image");
                json.WriteStartObject("source");
                json.WriteString("type", "url");
                json.WriteString("url", url);
                json.WriteEndObject();
            });
            return true;
        }
        return Fail(out error, $"{path}.image_url.url", "expected a base64 data: URL (data:image/png;base64,…) or an http(s) URL");
    }

    /// <summary>OpenAI's <c>file</c> part with inline <c>file_data</c> (a base64 data: URL) becomes a document block.</summary>
    static bool File(JsonElement part, string path, out Block block, out ApiError? error)
    {
        block = null!;
        error = null;
        var fileData = part.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.Object
            && file.TryGetProperty("file_data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (fileData is null || !DataUrl.TryParse(fileData, out var mediaType, out var data))
            return Fail(out error, $"{path}.file.file_data", "expected a base64 data: URL (file_id is not supported for anthropic)");

        block = Block.Of(json =>
        {
            json.WriteString("type", mediaType.StartsWith("image/", StringComparison.Ordinal) ? "image" : "document");
            json.WriteStartObject("source");
            json.WriteString("type", "base64");
            json.WriteString("media_type", mediaType);
            json.WriteString("data", data);
            json.WriteEndObject();
        });
        return true;
    }

    /// <summary>Thinking blocks (LiteLLM's <c>thinking_blocks</c>) first, then text, then each tool call as a <c>tool_use</c> block.</summary>
    static bool Assistant(JsonElement message, int index, List<Block> blocks, out ApiError? error)
    {
        error = null;
        if (message.TryGetProperty("thinking_blocks", out var thinking) && thinking.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in thinking.EnumerateArray())
                if (block.ValueKind == JsonValueKind.Object)
                    blocks.Add(Block.Raw(block));
        }

        if (!Content(message, $"messages[{index}]", blocks, textOnly: true, out error))
            return false;

        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
            return true;
        if (calls.ValueKind != JsonValueKind.Array)
            return Fail(out error, $"messages[{index}].tool_calls", "expected an array");

        var i = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var path = $"messages[{index}].tool_calls[{i++}]";
            var id = call.TryGetProperty("id", out var idValue) ? idValue.GetString() : null;
            var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
            var name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (string.IsNullOrEmpty(id))
                return Fail(out error, $"{path}.id", "expected the tool call's id");
            if (string.IsNullOrEmpty(name))
                return Fail(out error, $"{path}.function.name", "expected the function's name");

            var arguments = function.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            JsonElement input;
            try
            {
                using var parsed = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
                input = parsed.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Fail(out error, $"{path}.function.arguments", "expected a JSON object as a string");
            }
            if (input.ValueKind != JsonValueKind.Object)
                return Fail(out error, $"{path}.function.arguments", "expected a JSON object as a string");

            blocks.Add(Block.Of(json =>
            {
                json.WriteString("type", "tool_use");
                json.WriteString("id", id);
                json.WriteString("name", name);
                json.WritePropertyName("input");
                input.WriteTo(json);
            }));
        }
        return true;
    }

    /// <summary>A <c>tool</c> message is a <c>tool_result</c> block in a user turn, its content text (or text and images).</summary>
    static bool ToolResult(JsonElement message, int index, List<Block> blocks, out ApiError? error)
    {
        error = null;
        var id = message.TryGetProperty("tool_call_id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        if (string.IsNullOrEmpty(id))
            return Fail(out error, $"messages[{index}].tool_call_id", "expected the id of the tool call this answers");

        var content = new List<Block>();
        if (!Content(message, $"messages[{index}]", content, textOnly: false, out error))
            return false;

        var result = Block.Of(json =>
        {
            json.WriteString("type", "tool_result");
            json.WriteString("tool_use_id", id);
            if (content.Count > 0)
            {
                json.WriteStartArray("content");
                foreach (var block in content)
                    block.Write(json);
                json.WriteEndArray();
            }
        });
        result.IsToolResult = true;
        blocks.Add(result);
        return true;
    }

    static bool Fail(out ApiError? error, string field, string why)
    {
        error = ApiError.InvalidField(field, why);
        return false;
    }

    sealed record Turn(string Role, List<Block> Blocks);

    /// <summary>One content block: text, or any other block written by <see cref="Body"/>; an optional cache mark.</summary>
    sealed class Block
    {
        public string? Text { get; set; }
        public Action<Utf8JsonWriter>? Body { get; private init; }
        public JsonElement RawBlock { get; private init; }
        public bool IsToolResult { get; set; }
        public JsonElement CacheControl { get; set; }

        public static Block OfText(string text) => new() { Text = text };
        public static Block Of(Action<Utf8JsonWriter> body) => new() { Body = body };
        public static Block Raw(JsonElement block) => new() { RawBlock = block };

        public void Write(Utf8JsonWriter json)
        {
            if (RawBlock.ValueKind == JsonValueKind.Object)
            {
                RawBlock.WriteTo(json);
                return;
            }
            json.WriteStartObject();
            if (Text is not null)
            {
                json.WriteString("type", "text");
                json.WriteString("text", Text);
            }
            else
            {
                Body!(json);
            }
            if (CacheControl.ValueKind == JsonValueKind.Object)
            {
                json.WritePropertyName("cache_control");
                CacheControl.WriteTo(json);
            }
            json.WriteEndObject();
        }
    }
}
