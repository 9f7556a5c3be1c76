using System.Text;
using System.Text.Json;

namespace Gateway.Api.Providers.Gemini;

/// <summary>A <c>functionCall</c> part: the function's name, its arguments object, and the thought signature that came with it.</summary>
internal readonly record struct FunctionCallPart(string Name, JsonElement Args, string? Signature)
{
    /// <summary>OpenAI's <c>arguments</c>: the arguments object as a JSON string.</summary>
    public string Arguments => Args.ValueKind == JsonValueKind.Object ? Args.GetRawText() : "{}";
}

/// <summary>
/// What a candidate's <c>content.parts</c> say, sorted the way OpenAI needs it: text parts are the answer, parts marked
/// <c>thought: true</c> the reasoning, <c>functionCall</c> parts the tool calls. Other parts (generated media, code
/// execution) have no place in a chat completion's message and are left out, as LiteLLM leaves them out of content.
/// </summary>
internal static class GeminiParts
{
    public static void Read(JsonElement candidate, ref StringBuilder? text, ref StringBuilder? thoughts, List<FunctionCallPart> calls)
    {
        if (!candidate.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object
            || !content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
            return;
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
                continue;
            if (part.TryGetProperty("functionCall", out var call) && call.ValueKind == JsonValueKind.Object
                && call.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                var signature = part.TryGetProperty("thoughtSignature", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                calls.Add(new FunctionCallPart(name.GetString()!, call.TryGetProperty("args", out var args) ? args : default, signature));
            }
            else if (part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
            {
                var isThought = part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True;
                if (isThought)
                    (thoughts ??= new StringBuilder()).Append(value.GetString());
                else
                    (text ??= new StringBuilder()).Append(value.GetString());
            }
        }
    }

    /// <summary>The candidate's place among the answers: its <c>index</c>, else its position.</summary>
    public static int Index(JsonElement candidate, int position) =>
        candidate.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number && index.TryGetInt32(out var i) ? i : position;

    public static string? FinishReason(JsonElement candidate) =>
        candidate.TryGetProperty("finishReason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null;

    public static string? BlockReason(JsonElement response) =>
        response.TryGetProperty("promptFeedback", out var feedback) && feedback.ValueKind == JsonValueKind.Object
        && feedback.TryGetProperty("blockReason", out var reason) && reason.ValueKind == JsonValueKind.String
            ? reason.GetString()
            : null;
}
