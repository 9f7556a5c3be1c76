using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Providers.Gemini;

/// <summary>
/// A gateway per test whose config.yaml lists <c>gemini/</c> deployments for every behaviour of a fresh
/// <see cref="FakeGemini"/>: model group <c>flash</c> is <c>gemini/gemini-2.5-flash</c> with its own key and prices,
/// <c>from-env</c> takes api_base and key from GEMINI_API_BASE and GEMINI_API_KEY, <c>lenient</c> drops unsupported
/// params, <c>wrong-key</c> sends a key Google does not know, and every other group is named after the fake's model.
/// </summary>
public abstract class GeminiGateway(PostgresFixture postgres) : IAsyncLifetime
{
    protected FakeGemini Upstream { get; private set; } = null!;
    protected IAlbaHost Host { get; private set; } = null!;

    protected static readonly string[] Scenarios =
    [
        "gemini-3-pro-preview", "gemini-2.5-cached", "gemini-unsafe", "gemini-recitation", "gemini-blocked", "gemini-quota",
        "gemini-overloaded", "gemini-too-long", "gemini-slow", "gemini-breaks", "gemini-missing",
        "text-embedding-004", "gemini-embedding-001",
    ];

    public async ValueTask InitializeAsync()
    {
        Upstream = await FakeGemini.StartAsync();
        var root = Upstream.Root;
        string Entry(string name, string model, string extra = "") => $$"""
              - model_name: {{name}}
                litellm_params: { model: gemini/{{model}}, api_base: "{{root}}", api_key: {{FakeGemini.ApiKey}}{{extra}} }
            """;
        var yaml = "model_list:\n" + string.Join("\n",
            Entry("flash", "gemini-2.5-flash", ", input_cost_per_token: 0.000001, output_cost_per_token: 0.000002"),
            Entry("lenient", "gemini-2.5-flash", ", drop_params: true"),
            Entry("tuned", "gemini-2.5-flash", ", temperature: 0.2, top_k: 40, max_tokens: 300"),
            Entry("wrong-key", "gemini-2.5-flash").Replace(FakeGemini.ApiKey, "AIzaNotTheKey"),
            """
              - model_name: from-env
                litellm_params: { model: gemini/gemini-2.5-flash }
            """,
            string.Join("\n", Scenarios.Select(s => Entry(s, s)))) + "\n";
        Host = await GatewayTestHost.StartAsync(postgres, yaml, new Dictionary<string, string?>
        {
            ["GEMINI_API_BASE"] = root,
            ["GEMINI_API_KEY"] = FakeGemini.ApiKey,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Upstream.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected Task<IScenarioResult> Post(string url, object body, int status = 200) =>
        Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithMasterKey();
            s.StatusCodeShouldBe(status);
        });

    protected Task<IScenarioResult> Chat(object body, int status = 200) => Post("/v1/chat/completions", body, status);

    /// <summary>The body Gemini received last.</summary>
    protected JsonObject Sent => Upstream.Requests.Last().Body;

    protected static object[] Hello => [new { role = "system", content = "Be brief." }, new { role = "user", content = "Why is the sky blue?" }];

    protected static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    protected static async Task<JsonElement> Json(IScenarioResult result) => Json(await result.ReadAsTextAsync());

    protected static JsonElement Message(JsonElement completion, int choice = 0) => completion.GetProperty("choices")[choice].GetProperty("message");

    protected static string? FinishReason(JsonElement completion, int choice = 0) => completion.GetProperty("choices")[choice].GetProperty("finish_reason").GetString();

    protected static readonly object[] WeatherTools =
    [
        new
        {
            type = "function",
            function = new
            {
                name = "get_current_weather",
                description = "Get the current weather for a location",
                parameters = new
                {
                    type = "object",
                    properties = new
                    {
                        location = new { type = "string", description = "The city, e.g. San Francisco, CA" },
                        unit = new { type = "string", @enum = new[] { "celsius", "fahrenheit" } },
                    },
                    required = new[] { "location" },
                },
            },
        },
    ];
}
