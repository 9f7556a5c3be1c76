using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Gateway.Api.Providers.Tokens;

/// <summary>
/// Pooled buffers for turning JSON strings into the characters a tokenizer counts, reused across the strings of one
/// request so counting does not allocate a string per message. Not thread-safe; one per count. With no tokenizer it
/// counts UTF-8 bytes instead: every token of a byte-level BPE encoding covers at least one byte, so that is an upper
/// bound on the tokens, had for the price of a length.
/// </summary>
public sealed class TextScratch(Tokenizer? tokenizer, bool isCl100k) : IDisposable
{
    byte[] _bytes = ArrayPool<byte>.Shared.Rent(1024);
    char[] _chars = ArrayPool<char>.Shared.Rent(1024);

    public Tokenizer? Tokenizer { get; } = tokenizer;

    /// <summary>Whether the encoding is cl100k_base (the cookbook's tool formula differs by one constant).</summary>
    public bool IsCl100k { get; } = isCl100k;

    /// <summary>The tokens of the string the reader stands on (unescaped).</summary>
    public int Count(ref Utf8JsonReader reader)
    {
        if (Tokenizer is null && !reader.ValueIsEscaped)
            return reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
            return Count(reader.ValueSpan);
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_bytes.Length < length)
            Grow(ref _bytes, length);
        var written = reader.CopyString(_bytes);
        return Count(_bytes.AsSpan(0, written));
    }

    /// <summary>The tokens of UTF-8 text.</summary>
    public int Count(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || Tokenizer is null)
            return utf8.Length;
        var most = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (_chars.Length < most)
            Grow(ref _chars, most);
        var chars = Encoding.UTF8.GetChars(utf8, _chars);
        return Tokenizer.CountTokens(_chars.AsSpan(0, chars));
    }

    public int Count(string text) => text.Length == 0 ? 0 : Tokenizer?.CountTokens(text) ?? Encoding.UTF8.GetByteCount(text);

    static void Grow<T>(ref T[] buffer, int size)
    {
        ArrayPool<T>.Shared.Return(buffer);
        buffer = ArrayPool<T>.Shared.Rent(size);
    }

    public void Dispose()
    {
        if (_bytes.Length == 0)
            return;
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<char>.Shared.Return(_chars);
        _bytes = [];
        _chars = [];
    }
}
