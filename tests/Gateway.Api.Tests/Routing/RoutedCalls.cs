using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Routing;

/// <summary>Chat calls for the routing tests, and what their answers say about the route taken.</summary>
internal static class RoutedCalls
{
    public static Task<IScenarioResult> Chat(this IAlbaHost host, string model, bool stream = false,
        IDictionary<string, object?>? extra = null, string? key = null, (string Name, string Value)? header = null) => host.Scenario(s =>
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = "Where does this go?" } },
        };
        if (stream)
            body["stream"] = true;
        foreach (var (name, value) in extra ?? new Dictionary<string, object?>())
            body[name] = value;
        s.Post.Json(body).ToUrl("/v1/chat/completions");
        if (key is null)
            s.WithMasterKey();
        else
            s.WithRequestHeader("Authorization", $"Bearer {key}");
        if (header is { } h)
            s.WithRequestHeader(h.Name, h.Value);
        s.IgnoreStatusCode();
    });

    public static int Status(this IScenarioResult result) => result.Context.Response.StatusCode;

    public static string Header(this IScenarioResult result, string name) => result.Context.Response.Headers[name].ToString();

    /// <summary>The deployment that answered (x-litellm-model-id).</summary>
    public static string ModelId(this IScenarioResult result) => result.Header("x-litellm-model-id");

    public static int Retries(this IScenarioResult result) => int.Parse(result.Header("x-litellm-attempted-retries"), System.Globalization.CultureInfo.InvariantCulture);

    public static int Fallbacks(this IScenarioResult result) => int.Parse(result.Header("x-litellm-attempted-fallbacks"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The assistant's text of a whole answer.</summary>
    public static async Task<string> Content(this IScenarioResult result) =>
        System.Text.Json.JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement
            .GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
}
