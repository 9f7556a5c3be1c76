using System.Security.Cryptography;

namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// Gemini names the functions it calls but gives the calls no ids, while OpenAI clients need one per call to send
/// its result back. The ids are made here (<c>call_</c> + random hex). A call's thought signature, which Gemini 3
/// wants back with the call on the next turn, rides in the id after <c>__thought__</c> (LiteLLM's convention), so a
/// client that only stores ids returns it without knowing.
/// </summary>
internal static class ToolCallIds
{
    const string SignatureSeparator = "__thought__";

    public static string New(string? thoughtSignature)
    {
        Span<byte> random = stackalloc byte[12];
        RandomNumberGenerator.Fill(random);
        var id = "call_" + Convert.ToHexStringLower(random);
        return string.IsNullOrEmpty(thoughtSignature) ? id : id + SignatureSeparator + thoughtSignature;
    }

    /// <summary>The thought signature carried in an id made by <see cref="New"/>, if any.</summary>
    public static string? SignatureOf(string? id)
    {
        if (id is null)
            return null;
        var at = id.IndexOf(SignatureSeparator, StringComparison.Ordinal);
        return at < 0 || at + SignatureSeparator.Length == id.Length ? null : id[(at + SignatureSeparator.Length)..];
    }
}
