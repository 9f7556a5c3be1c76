using System.Text.Json;
using Alba;

namespace Gateway.Api.Tests.Infrastructure;

public static class ErrorAssertions
{
    /// <summary>Checks the OpenAI error shape and returns the error object.</summary>
    public static async Task<JsonElement> OpenAIError(this IScenarioResult result, int status)
    {
        Assert.Equal(status, result.Context.Response.StatusCode);
        Assert.StartsWith("application/json", result.Context.Response.ContentType);
        var root = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        var error = root.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
        Assert.True(error.TryGetProperty("param", out _), "param is always present (null when none)");
        Assert.True(error.TryGetProperty("code", out _), "code is always present");
        return error.Clone();
    }
}
