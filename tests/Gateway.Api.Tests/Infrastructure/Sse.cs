using System.Text.Json;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>Splits an SSE body into its events' data, checking the framing as a strict client would.</summary>
public static class Sse
{
    public static IReadOnlyList<string> Data(string body)
    {
        Assert.EndsWith("\n\n", body);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        return events.Select(e =>
        {
            Assert.StartsWith("data: ", e);
            return e["data: ".Length..];
        }).ToList();
    }

    /// <summary>The JSON chunks of a stream, after checking it ends with exactly one [DONE].</summary>
    public static IReadOnlyList<JsonElement> Chunks(string body)
    {
        var data = Data(body);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Single(data, d => d == "[DONE]");
        return data.Take(data.Count - 1).Select(d => JsonDocument.Parse(d).RootElement.Clone()).ToList();
    }
}
