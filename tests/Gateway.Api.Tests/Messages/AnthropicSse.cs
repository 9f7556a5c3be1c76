using System.Text.Json;

namespace Gateway.Api.Tests.Messages;

/// <summary>Splits an Anthropic SSE body into its events, checking the framing as Anthropic's SDKs read it.</summary>
public static class AnthropicSse
{
    public sealed record Event(string Name, JsonElement Data)
    {
        public string Type => Data.GetProperty("type").GetString()!;
    }

    /// <summary>The events, after checking the framing and the documented order (see <see cref="AssertInOrder"/>).</summary>
    public static IReadOnlyList<Event> Events(string body)
    {
        Assert.EndsWith("\n\n", body);
        Assert.DoesNotContain("[DONE]", body);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            var e = new Event(lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone());
            Assert.Equal(e.Name, e.Type); // the event name is the data's type
            return e;
        }).ToList();
        AssertInOrder(events);
        return events;
    }

    /// <summary>
    /// Anthropic's stream grammar: <c>message_start</c> first; content blocks numbered from 0, each opened by
    /// <c>content_block_start</c>, its deltas carrying its index, and closed by <c>content_block_stop</c> before the next
    /// opens; then one <c>message_delta</c> and <c>message_stop</c> last. <c>ping</c> may come anywhere after the start.
    /// </summary>
    public static void AssertInOrder(IReadOnlyList<Event> events)
    {
        Assert.Equal("message_start", events[0].Name);
        Assert.Equal("message_stop", events[^1].Name);
        Assert.Equal("message_delta", events[^2].Name);
        int? open = null;
        var next = 0;
        foreach (var e in events.Skip(1).SkipLast(2))
        {
            switch (e.Name)
            {
                case "content_block_start":
                    Assert.Null(open);
                    Assert.Equal(next, e.Data.GetProperty("index").GetInt32());
                    open = next++;
                    break;
                case "content_block_delta":
                    Assert.Equal(open, e.Data.GetProperty("index").GetInt32());
                    break;
                case "content_block_stop":
                    Assert.Equal(open, e.Data.GetProperty("index").GetInt32());
                    open = null;
                    break;
                case "ping":
                    break;
                default:
                    Assert.Fail($"unexpected {e.Name} inside the message");
                    break;
            }
        }
        Assert.Null(open);
    }

    /// <summary>The event names with consecutive deltas folded into one <c>content_block_delta*</c>, for sequence checks.</summary>
    public static IReadOnlyList<string> Shape(IReadOnlyList<Event> events)
    {
        var shape = new List<string>();
        foreach (var e in events)
        {
            var name = e.Name == "content_block_delta" ? "content_block_delta*" : e.Name;
            if (shape.Count == 0 || shape[^1] != name || name != "content_block_delta*")
                shape.Add(name);
        }
        return shape;
    }
}
