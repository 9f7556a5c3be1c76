namespace Gateway.Api.Providers;

/// <summary>Tells whether a stream chunk (the JSON of one SSE event) should be dropped rather than passed on.</summary>
public delegate bool ChunkFilter(ReadOnlySpan<byte> chunk);
