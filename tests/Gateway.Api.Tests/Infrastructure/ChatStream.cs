using System.Text;
using System.Text.Json;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// A streamed chat completion put back together the way the official openai client accumulates chunks: choices by
/// index, string fields of a delta appended (so an id or name sent twice would come out doubled), tool calls by their
/// <c>index</c>, the finish reason and the usage taken from the chunks that carry them. It checks on the way what
/// the client relies on: the SSE framing and one <c>[DONE]</c>, no error event, every tool-call delta with an index,
/// and usage on the last chunk only, which then has no choices.
/// </summary>
public sealed record ChatStream(string Content, IReadOnlyList<ChatStream.ToolCall> ToolCalls, string? FinishReason, JsonElement? Usage, int ChunkCount)
{
    public sealed record ToolCall(string Id, string Type, string Name, string Arguments);

    public static ChatStream Read(string body)
    {
        var chunks = Sse.Chunks(body);
        var content = new StringBuilder();
        var calls = new SortedDictionary<int, (StringBuilder Id, string? Type, StringBuilder Name, StringBuilder Arguments, int IdChunks, int NameChunks)>();
        string? finish = null;
        JsonElement? usage = null;

        for (var c = 0; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            Assert.False(chunk.TryGetProperty("error", out _), $"an error event in the stream: {chunk}");
            if (chunk.TryGetProperty("usage", out var u) && u.ValueKind != JsonValueKind.Null)
            {
                Assert.True(c == chunks.Count - 1, $"usage comes on the last chunk only, not on chunk {c}: {chunk}");
                Assert.Equal(0, chunk.GetProperty("choices").GetArrayLength());
                usage = u.Clone();
            }

            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                Assert.Equal(0, choice.GetProperty("index").GetInt32());
                if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
                {
                    Assert.Null(finish); // one finish per choice
                    finish = reason.GetString();
                }
                if (!choice.TryGetProperty("delta", out var delta))
                    continue;
                if (delta.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String)
                    content.Append(text.GetString());
                if (!delta.TryGetProperty("tool_calls", out var toolCalls) || toolCalls.ValueKind == JsonValueKind.Null)
                    continue;
                foreach (var call in toolCalls.EnumerateArray())
                {
                    Assert.True(call.TryGetProperty("index", out var index), $"a tool-call delta without an index: {call}");
                    var i = index.GetInt32();
                    if (!calls.TryGetValue(i, out var acc))
                        acc = (new StringBuilder(), null, new StringBuilder(), new StringBuilder(), 0, 0);
                    if (call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                    {
                        acc.Id.Append(id.GetString());
                        acc.IdChunks++;
                    }
                    if (call.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
                        acc.Type = type.GetString();
                    if (call.TryGetProperty("function", out var function))
                    {
                        if (function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                        {
                            acc.Name.Append(name.GetString());
                            acc.NameChunks++;
                        }
                        if (function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String)
                            acc.Arguments.Append(arguments.GetString());
                    }
                    calls[i] = acc;
                }
            }
        }

        var toolCallsOut = calls.Select(kv =>
        {
            Assert.True(kv.Value.IdChunks == 1, $"tool call {kv.Key}: its id came in {kv.Value.IdChunks} chunks; the client appends them");
            Assert.True(kv.Value.NameChunks == 1, $"tool call {kv.Key}: its name came in {kv.Value.NameChunks} chunks; the client appends them");
            return new ToolCall(kv.Value.Id.ToString(), kv.Value.Type ?? "", kv.Value.Name.ToString(), kv.Value.Arguments.ToString());
        }).ToList();
        Assert.Equal(Enumerable.Range(0, toolCallsOut.Count), calls.Keys); // indexes from 0, none skipped
        return new ChatStream(content.ToString(), toolCallsOut, finish, usage, chunks.Count);
    }
}
