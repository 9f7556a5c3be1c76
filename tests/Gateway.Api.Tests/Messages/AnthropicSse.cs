using System.Text.Json;

namespace Gateway.Api.Tests.Messages;

/// <summary>Splits an Anthropic SSE body into its events, checking the framing as Anthropic's SDKs read it.</summary>
public static class AnthropicSse
{
    public sealed record Event(string Name, JsonElement Data)
    {
        public string Type => Data.GetProperty("type").GetString()!;
    }

    public static IReadOnlyList<Event> Events(string body)
    {
        Assert.EndsWith("\n\n", body);
        Assert.DoesNotContain("[DONE]", body);
        return body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            var e = new Event(lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone());
            Assert.Equal(e.Name, e.Type); // the event name is the data's type
            return e;
        }).ToList();
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
