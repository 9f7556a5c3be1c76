using System.Text.Json;
using Gateway.Api.Proxy;
using Microsoft.ML.Tokenizers;

namespace Gateway.Api.Providers.Tokens;

/// <summary>
/// Counts tokens with OpenAI's tiktoken encodings (Microsoft.ML.Tokenizers, vocabularies embedded in its data
/// packages) for the worst-case budget reservation and for calls whose upstream reports no usage, so such a call is
/// charged for what it really sent and produced rather than priced at $0. GPT-4 / GPT-3.5-generation models use
/// <c>cl100k_base</c>; everything else <c>o200k_base</c> (OpenAI's current encoding, and a fair measure for other
/// vendors' models whose own tokenizers are not at hand). Counts follow OpenAI's cookbook ("How to count tokens with
/// tiktoken"): 3 tokens of framing per message, 1 more for a <c>name</c>, 3 priming the reply, and its formula for
/// tool definitions.
/// </summary>
/// <remarks>
/// One instance per process (<see cref="Shared"/>): an encoding is built once, on first use (about 0.1–0.3 s and some
/// 200 MB for o200k_base, so never at start-up: most calls report their usage and never need it), and is immutable and
/// thread-safe. Requests are read with <see cref="Utf8JsonReader"/> and strings decoded into pooled buffers, so counting
/// allocates next to nothing per call.
/// </remarks>
public sealed class TokenCounter
{
    const int PerMessage = 3, PerName = 1, ReplyPrimer = 3;

    /// <summary>An image part, at OpenAI's low-detail price; the real count depends on its size, which is not decoded here.</summary>
    const int PerImage = 85;

    readonly Lazy<Tokenizer> _o200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    readonly Lazy<Tokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    public static TokenCounter Shared { get; } = new();

    /// <summary>The encoding for a model name as the upstream knows it (e.g. <c>gpt-4o</c>, <c>gpt-4-0613</c>, <c>llama3.2</c>).</summary>
    public Tokenizer For(string model) => UsesCl100k(model) ? _cl100k.Value : _o200k.Value;

    public int Count(ReadOnlySpan<char> text, string model) => text.IsEmpty ? 0 : For(model).CountTokens(text);

    /// <summary>The tokens of UTF-8 text.</summary>
    public int Count(ReadOnlySpan<byte> utf8, string model)
    {
        if (utf8.IsEmpty)
            return 0;
        var cl100k = UsesCl100k(model);
        using var scratch = new TextScratch(cl100k ? _cl100k.Value : _o200k.Value, cl100k);
        return scratch.Count(utf8);
    }

    /// <summary>
    /// The prompt tokens of a request: for chat, every message's strings (role, content, name, tool-call names and
    /// arguments) plus OpenAI's framing, and the tool definitions; for text completions the prompt; for embeddings the
    /// input (token-id arrays count one per id).
    /// </summary>
    public int CountPrompt(ProxyRequest request, string model) => CountPrompt(request.Endpoint, request.Body.Span, model);

    public int CountPrompt(OpenAIEndpoint endpoint, ReadOnlySpan<byte> body, string model)
    {
        var cl100k = UsesCl100k(model);
        using var scratch = new TextScratch(cl100k ? _cl100k.Value : _o200k.Value, cl100k);
        return CountPrompt(endpoint, body, scratch);
    }

    /// <summary>
    /// At least <see cref="CountPrompt(ProxyRequest, string)"/> for any byte-level BPE encoding, without loading one:
    /// the same walk and framing, with each string's UTF-8 bytes in place of its tokens. Cheap enough for every call's
    /// budget reservation; the exact count is needed only when this bound does not fit the budget.
    /// </summary>
    public static int PromptTokensAtMost(ProxyRequest request)
    {
        using var scratch = new TextScratch(null, isCl100k: true);
        return CountPrompt(request.Endpoint, request.Body.Span, scratch);
    }

    static int CountPrompt(OpenAIEndpoint endpoint, ReadOnlySpan<byte> body, TextScratch scratch)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return 0;
            var total = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (endpoint == OpenAIEndpoint.ChatCompletions && reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    total += CountMessages(ref reader, scratch);
                }
                else if (endpoint == OpenAIEndpoint.ChatCompletions && (reader.ValueTextEquals("tools"u8) || reader.ValueTextEquals("functions"u8)))
                {
                    var isTools = reader.ValueTextEquals("tools"u8);
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    total += CountTools(body[start..(int)reader.BytesConsumed], isTools, scratch);
                }
                else if ((endpoint == OpenAIEndpoint.Completions && reader.ValueTextEquals("prompt"u8))
                         || (endpoint == OpenAIEndpoint.Embeddings && reader.ValueTextEquals("input"u8)))
                {
                    reader.Read();
                    total += CountInput(ref reader, scratch);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return total;
        }
        catch (JsonException)
        {
            return 0; // the proxy validated the body; nothing sensible to count otherwise
        }
    }

    /// <summary>The completion tokens of a whole (non-streamed) OpenAI response body: the text of every choice.</summary>
    public int CountCompletion(ReadOnlySpan<byte> responseJson, string model)
    {
        using var text = new CompletionText(this, model);
        text.Add(responseJson);
        return text.CountTokens();
    }

    /// <summary>The reader stands on the messages array.</summary>
    static int CountMessages(ref Utf8JsonReader reader, TextScratch scratch)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }
        var total = ReplyPrimer;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            total += PerMessage;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                var isContent = reader.ValueTextEquals("content"u8);
                var isToolCalls = reader.ValueTextEquals("tool_calls"u8);
                var isFunctionCall = reader.ValueTextEquals("function_call"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                    total += scratch.Count(ref reader) + (isName ? PerName : 0);
                else if (isContent && reader.TokenType == JsonTokenType.StartArray)
                    total += CountParts(ref reader, scratch);
                else if (isToolCalls && reader.TokenType == JsonTokenType.StartArray)
                    total += CountToolCalls(ref reader, scratch);
                else if (isFunctionCall && reader.TokenType == JsonTokenType.StartObject)
                    total += CountFunction(ref reader, scratch);
                else
                    reader.Skip();
            }
        }
        return total;
    }

    /// <summary>Content parts: text counts, an image a fixed amount; the reader stands on the array.</summary>
    static int CountParts(ref Utf8JsonReader reader, TextScratch scratch)
    {
        var total = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                total += scratch.Count(ref reader);
                continue;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isText = reader.ValueTextEquals("text"u8);
                var isImage = reader.ValueTextEquals("image_url"u8);
                reader.Read();
                if (isText && reader.TokenType == JsonTokenType.String)
                    total += scratch.Count(ref reader);
                else
                {
                    if (isImage)
                        total += PerImage;
                    reader.Skip();
                }
            }
        }
        return total;
    }

    static int CountToolCalls(ref Utf8JsonReader reader, TextScratch scratch)
    {
        var total = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFunction = reader.ValueTextEquals("function"u8);
                reader.Read();
                if (isFunction && reader.TokenType == JsonTokenType.StartObject)
                    total += CountFunction(ref reader, scratch);
                else
                    reader.Skip();
            }
        }
        return total;
    }

    /// <summary>A function call's name and arguments; the reader stands on its object.</summary>
    static int CountFunction(ref Utf8JsonReader reader, TextScratch scratch)
    {
        var total = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var counts = reader.ValueTextEquals("name"u8) || reader.ValueTextEquals("arguments"u8);
            reader.Read();
            if (counts && reader.TokenType == JsonTokenType.String)
                total += scratch.Count(ref reader);
            else
                reader.Skip();
        }
        return total;
    }

    /// <summary>A string, an array of strings, an array of token ids, or an array of token-id arrays.</summary>
    static int CountInput(ref Utf8JsonReader reader, TextScratch scratch)
    {
        if (reader.TokenType == JsonTokenType.String)
            return scratch.Count(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }
        var total = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    total += scratch.Count(ref reader);
                    break;
                case JsonTokenType.Number:
                    total++;
                    break;
                case JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        total++;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return total;
    }

    /// <summary>
    /// Tool (or legacy function) definitions, by the cookbook's formula: per function a fixed start, then
    /// <c>name:description</c>; per property <c>key:type:description</c> and its enum values; a fixed end. Parsed
    /// whole because the formula joins fields that may come in any order; tool lists are small next to messages.
    /// </summary>
    static int CountTools(ReadOnlySpan<byte> json, bool wrapped, TextScratch scratch)
    {
        int functionStart = scratch.IsCl100k ? 10 : 7, propertiesStart = 3, propertyKey = 3, enumStart = -3, enumItem = 3, functionsEnd = 12;

        using var document = JsonDocument.Parse(json.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            return 0;
        var total = 0;
        var any = false;
        foreach (var tool in document.RootElement.EnumerateArray())
        {
            var function = wrapped && tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("function", out var f) ? f : tool;
            if (function.ValueKind != JsonValueKind.Object)
                continue;
            any = true;
            total += functionStart;
            total += scratch.Count($"{Text(function, "name")}:{WithoutFinalDot(Text(function, "description"))}");
            if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                var first = true;
                foreach (var property in properties.EnumerateObject())
                {
                    if (first)
                        total += propertiesStart;
                    first = false;
                    total += propertyKey;
                    var value = property.Value;
                    if (value.ValueKind != JsonValueKind.Object)
                        continue;
                    if (value.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
                    {
                        total += enumStart;
                        foreach (var item in values.EnumerateArray())
                            total += enumItem + scratch.Count(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
                    }
                    var type = value.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.String ? t.GetString() : t.GetRawText() : "";
                    total += scratch.Count($"{property.Name}:{type}:{WithoutFinalDot(Text(value, "description"))}");
                    // Nested schemas reach the model too; the cookbook's formula has no rule for them, so count their JSON.
                    foreach (var nested in (ReadOnlySpan<string>)["properties", "items", "anyOf", "oneOf"])
                        if (value.TryGetProperty(nested, out var inner))
                            total += scratch.Count(inner.GetRawText());
                }
            }
        }
        return any ? total + functionsEnd : 0;
    }

    static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    static string WithoutFinalDot(string text) => text.EndsWith('.') ? text[..^1] : text;

    static bool UsesCl100k(string model)
    {
        // Strip an organisation prefix such as "openai/" left in an upstream model name.
        var name = model.AsSpan(model.LastIndexOf('/') + 1);
        if (name.Contains("gpt-4o", StringComparison.OrdinalIgnoreCase) || name.Contains("gpt-4.", StringComparison.OrdinalIgnoreCase))
            return false;
        return name.Contains("gpt-4", StringComparison.OrdinalIgnoreCase)
            || name.Contains("gpt-3.5", StringComparison.OrdinalIgnoreCase)
            || name.Contains("gpt-35", StringComparison.OrdinalIgnoreCase)
            || name.Contains("text-embedding-ada", StringComparison.OrdinalIgnoreCase)
            || name.Contains("text-embedding-3", StringComparison.OrdinalIgnoreCase);
    }
}
