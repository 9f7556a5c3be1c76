using System.Text;
using System.Text.Json;

namespace Gateway.Api.Providers.Mock;

/// <summary>
/// The deterministic text and token counts of the built-in mock models: the same request always gives the same
/// reply and the same usage, so spend can be checked to the cent without a provider key.
/// </summary>
public static class MockReply
{
    /// <summary>Roughly what real tokenizers give for English: one token per four UTF-8 bytes, at least one.</summary>
    public static int Tokens(string text) => text.Length == 0 ? 0 : Math.Max(1, (Encoding.UTF8.GetByteCount(text) + 3) / 4);

    /// <summary>OpenAI counts a few tokens of framing per message and per reply; so does the mock.</summary>
    public static int PromptTokens(JsonElement messages)
    {
        var total = 3;
        foreach (var message in messages.EnumerateArray())
            total += 3 + Tokens(ContentText(message));
        return total;
    }

    public static string ContentText(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content))
            return "";
        if (content.ValueKind == JsonValueKind.String)
            return content.GetString() ?? "";
        if (content.ValueKind != JsonValueKind.Array)
            return "";

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
                text.Append(value.GetString()).Append(' ');
        return text.ToString().TrimEnd();
    }

    /// <summary>The reply to a conversation: <c>mock_response</c> when the caller set one, else an echo of the last user turn.</summary>
    public static string For(string model, JsonElement root, string input)
    {
        if (root.TryGetProperty("mock_response", out var forced) && forced.ValueKind == JsonValueKind.String)
            return forced.GetString() ?? "";

        var words = input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var excerpt = string.Join(' ', words.Take(40));
        if (words.Length > 40)
            excerpt += " …";
        return excerpt.Length == 0
            ? $"This is a mock response from {model}."
            : $"This is a mock response from {model}. You said: {excerpt}";
    }

    /// <summary>Cuts a reply to at most <paramref name="maxTokens"/> tokens; true when it had to.</summary>
    public static bool Truncate(ref string reply, int? maxTokens)
    {
        if (maxTokens is not { } max || Tokens(reply) <= max)
            return false;
        var bytes = Encoding.UTF8.GetBytes(reply);
        var cut = Math.Min(bytes.Length, max * 4);
        while (cut > 0 && cut < bytes.Length && (bytes[cut] & 0xC0) == 0x80)
            cut--; // never split a UTF-8 sequence: stop before a continuation byte
        reply = Encoding.UTF8.GetString(bytes, 0, cut);
        return true;
    }

    /// <summary>Splits a reply into stream pieces of a few words each, so a stream has several chunks.</summary>
    public static IEnumerable<string> Pieces(string reply, int wordsPerPiece = 3)
    {
        var start = 0;
        var words = 0;
        for (var i = 0; i < reply.Length; i++)
        {
            if (reply[i] != ' ' || ++words < wordsPerPiece)
                continue;
            yield return reply[start..(i + 1)];
            start = i + 1;
            words = 0;
        }
        if (start < reply.Length)
            yield return reply[start..];
    }
}
