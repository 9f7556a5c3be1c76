using System.Text.Json;
using Gateway.Api.Proxy;
using Microsoft.ML.Tokenizers;

namespace Gateway.Api.Providers.Tokens;

/// <summary>
/// Counts tokens with OpenAI's tiktoken encodings (Microsoft.ML.Tokenizers) for calls whose upstream reports no
/// usage, so such a call is charged for what it really sent and produced rather than priced at $0. Models of the
/// GPT-4 / GPT-3.5 generation use <c>cl100k_base</c>; everything else <c>o200k_base</c> (OpenAI's current encoding,
/// and a fair measure for other vendors' models whose own tokenizers are not at hand). The counts are estimates and
/// are marked so on the request's event.
/// </summary>
/// <remarks>
/// One instance per process (<see cref="Shared"/>): building an encoding takes about 0.1 s and 20–40 MB, so each is
/// built on first use only. Tokenizers are immutable and safe to share between threads.
/// </remarks>
public sealed class TokenCounter
{
    /// <summary>OpenAI's chat framing: each message costs 3 tokens besides its text, a <c>name</c> one more, and the reply is primed with 3.</summary>
    const int PerMessage = 3, PerName = 1, ReplyPrimer = 3;

    /// <summary>An image part, at OpenAI's low-detail price; the real count depends on its size, which is not decoded here.</summary>
    const int PerImage = 85;

    readonly Lazy<Tokenizer> _o200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    readonly Lazy<Tokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    public static TokenCounter Shared { get; } = new();

    /// <summary>The encoding for a model name as the upstream knows it (e.g. <c>gpt-4o</c>, <c>gpt-4-0613</c>, <c>llama3.2</c>).</summary>
    public Tokenizer For(string model) => UsesCl100k(model) ? _cl100k.Value : _o200k.Value;

    public int Count(ReadOnlySpan<char> text, string model) => text.IsEmpty ? 0 : For(model).CountTokens(text);

    /// <summary>
    /// The prompt tokens of a request: for chat, every message's strings (role, content, name, tool-call names and
    /// arguments) plus OpenAI's per-message framing, and the tool definitions as JSON; for text completions the
    /// prompt; for embeddings the input (token-id arrays count one per id).
    /// </summary>
    public int CountPrompt(ProxyRequest request, string model)
    {
        try
        {
            using var document = JsonDocument.Parse(request.Body.Memory);
            var root = document.RootElement;
            var tokenizer = For(model);
            return request.Endpoint switch
            {
                OpenAIEndpoint.ChatCompletions => CountChat(root, tokenizer),
                OpenAIEndpoint.Completions => root.TryGetProperty("prompt", out var prompt) ? CountInput(prompt, tokenizer) : 0,
                _ => root.TryGetProperty("input", out var input) ? CountInput(input, tokenizer) : 0,
            };
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

    static int CountChat(JsonElement root, Tokenizer tokenizer)
    {
        var total = 0;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            total = ReplyPrimer;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                    continue;
                total += PerMessage;
                foreach (var field in message.EnumerateObject())
                {
                    var value = field.Value;
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        total += Count(value, tokenizer);
                        if (field.NameEquals("name"))
                            total += PerName;
                    }
                    else if (value.ValueKind == JsonValueKind.Array && field.NameEquals("content"))
                    {
                        total += CountParts(value, tokenizer);
                    }
                    else if (value.ValueKind == JsonValueKind.Array && field.NameEquals("tool_calls"))
                    {
                        foreach (var call in value.EnumerateArray())
                            if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function))
                                total += CountFunction(function, tokenizer);
                    }
                    else if (value.ValueKind == JsonValueKind.Object && field.NameEquals("function_call"))
                    {
                        total += CountFunction(value, tokenizer);
                    }
                }
            }
        }

        // Tool definitions reach the model as text too; their JSON is a close (slightly high) measure.
        foreach (var name in (ReadOnlySpan<string>)["tools", "functions"])
            if (root.TryGetProperty(name, out var tools) && tools.ValueKind == JsonValueKind.Array)
                total += tokenizer.CountTokens(tools.GetRawText());
        return total;
    }

    static int CountParts(JsonElement parts, Tokenizer tokenizer)
    {
        var total = 0;
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String)
                total += Count(part, tokenizer);
            else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                total += Count(text, tokenizer);
            else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueEquals("image_url"))
                total += PerImage;
        }
        return total;
    }

    static int CountFunction(JsonElement function, Tokenizer tokenizer)
    {
        var total = 0;
        foreach (var name in (ReadOnlySpan<string>)["name", "arguments"])
            if (function.ValueKind == JsonValueKind.Object && function.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                total += Count(value, tokenizer);
        return total;
    }

    /// <summary>A string, an array of strings, an array of token ids, or an array of token-id arrays.</summary>
    static int CountInput(JsonElement input, Tokenizer tokenizer)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return Count(input, tokenizer);
            case JsonValueKind.Array:
                var total = 0;
                foreach (var item in input.EnumerateArray())
                {
                    total += item.ValueKind switch
                    {
                        JsonValueKind.String => Count(item, tokenizer),
                        JsonValueKind.Number => 1,
                        JsonValueKind.Array => item.GetArrayLength(),
                        _ => 0,
                    };
                }
                return total;
            default:
                return 0;
        }
    }

    static int Count(JsonElement text, Tokenizer tokenizer) => tokenizer.CountTokens(text.GetString() ?? "");

    static bool UsesCl100k(string model)
    {
        // Strip an organisation prefix such as "openai/" or "azure_ai/" left in an upstream model name.
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
