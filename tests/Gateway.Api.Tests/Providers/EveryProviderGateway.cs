using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Api.Tests.Messages;
using Gateway.Api.Tests.Providers.Anthropic;
using Gateway.Api.Tests.Providers.Azure;
using Gateway.Api.Tests.Providers.Bedrock;
using Gateway.Api.Tests.Providers.Gemini;
using Gateway.Api.Tests.Providers.Ollama;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Tests.Providers;

/// <summary>
/// One gateway whose config.yaml has one deployment of every provider, each in front of its own faithful fake (the
/// fakes refuse what the real API refuses), named after its provider: <c>openai</c>, <c>azure</c>, <c>anthropic</c>,
/// <c>gemini</c>, <c>vertex_ai</c> (a service account, through Google's token endpoint), <c>bedrock</c> (SigV4),
/// <c>ollama_chat</c>, <c>ollama</c> and <c>mock</c>. Prices come from the built-in sheet where it has the model, else
/// from the deployment's own <c>input_cost_per_token</c>/<c>output_cost_per_token</c>; <see cref="Deployments"/> says
/// which, and what each fake reports for the first turn of a tool call.
/// </summary>
public sealed class EveryProviderGateway(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>The rates a call is priced at, USD per token; a missing cache or reasoning rate falls back to the input or output rate.</summary>
    public sealed record Rates(decimal Input, decimal Output, decimal? CacheRead = null, decimal? CacheCreation = null, decimal? Reasoning = null)
    {
        /// <summary>The built-in sheet's entry, read by its exact name.</summary>
        public static Rates FromSheet(string name)
        {
            var price = PriceSheet.Builtin.Models[name];
            return new Rates(price.InputCostPerToken!.Value, price.OutputCostPerToken!.Value, price.CacheReadInputTokenCost,
                price.CacheCreationInputTokenCost, price.OutputCostPerReasoningToken);
        }
    }

    /// <summary>OpenAI's usage terms: the prompt includes the cached tokens and the cache writes.</summary>
    public sealed record Usage(int Prompt, int Completion, int Cached = 0, int CacheCreation = 0, int Reasoning = 0)
    {
        /// <summary>Each part at its rate: the uncached prompt, cache reads, cache writes, reasoning and the rest of the completion.</summary>
        public decimal CostAt(Rates rates) =>
            (Prompt - Cached - CacheCreation) * rates.Input
            + Cached * (rates.CacheRead ?? rates.Input)
            + CacheCreation * (rates.CacheCreation ?? rates.Input)
            + (Completion - Reasoning) * rates.Output
            + Reasoning * (rates.Reasoning ?? rates.Output);
    }

    /// <summary>A deployment under test: its model group, the rates it must be charged at, and what its fake reports for a tool call.</summary>
    public sealed record Deployment(string Group, Rates Rates, Usage ToolCallUsage);

    // Prices of the deployments the sheet does not know (set in config.yaml below).
    const decimal OllamaInput = 0.0000001m, OllamaOutput = 0.0000002m;

    public static readonly IReadOnlyDictionary<string, Deployment> Deployments = new Dictionary<string, Deployment>
    {
        ["openai"] = new("openai", Rates.FromSheet("gpt-4o"),
            new(FakeOpenAIChat.PromptTokens, FakeOpenAIChat.CompletionTokens, FakeOpenAIChat.CachedTokens)),
        ["azure"] = new("azure", Rates.FromSheet("gpt-4o"), new(21, 5, 16)),
        ["anthropic"] = new("anthropic", Rates.FromSheet("claude-sonnet-4-5"),
            new(FakeAnthropic.InputTokens + FakeAnthropic.CacheReadTokens + FakeAnthropic.CacheCreationTokens, FakeAnthropic.OutputTokens,
                FakeAnthropic.CacheReadTokens, FakeAnthropic.CacheCreationTokens)),
        // The fake's gemini-2.5-cached reports cached tokens; base_model prices it as gemini-2.5-flash.
        ["gemini"] = new("gemini", Rates.FromSheet("gemini/gemini-2.5-flash"), new(FakeGemini.PromptTokens, 7, FakeGemini.CachedTokens)),
        ["vertex_ai"] = new("vertex_ai", Rates.FromSheet("gemini-2.5-flash"), new(FakeGemini.PromptTokens, 7)),
        // Converse counts cache reads (4) and writes (2) apart from its 12 input tokens.
        ["bedrock"] = new("bedrock", Rates.FromSheet(FakeBedrock.Model), new(12 + 4 + 2, 7, 4, 2)),
        ["ollama_chat"] = new("ollama_chat", new Rates(OllamaInput, OllamaOutput), new(26, 8)),
        ["ollama"] = new("ollama", new Rates(OllamaInput, OllamaOutput),
            new(FakeOpenAIChat.PromptTokens, FakeOpenAIChat.CompletionTokens, FakeOpenAIChat.CachedTokens)),
    };

    /// <summary>The mock answers in text only; it is priced from the sheet.</summary>
    public static readonly Rates MockRates = Rates.FromSheet("mock-gpt");

    public FakeOpenAIChat OpenAI { get; private set; } = null!;
    public FakeOpenAIChat OllamaOpenAI { get; private set; } = null!;
    public FakeAzureOpenAI Azure { get; private set; } = null!;
    public FakeAnthropic Anthropic { get; private set; } = null!;
    public FakeGemini Google { get; private set; } = null!;
    public FakeBedrock Bedrock { get; private set; } = null!;
    public FakeOllama Ollama { get; private set; } = null!;
    public IAlbaHost Host { get; private set; } = null!;

    RSA _serviceAccountKey = null!;

    public async ValueTask InitializeAsync()
    {
        OpenAI = await FakeOpenAIChat.StartAsync();
        OllamaOpenAI = await FakeOpenAIChat.StartAsync();
        Azure = await FakeAzureOpenAI.StartAsync();
        Anthropic = await FakeAnthropic.StartAsync();
        Google = await FakeGemini.StartAsync();
        Bedrock = await FakeBedrock.StartAsync();
        Ollama = await FakeOllama.StartAsync();
        _serviceAccountKey = RSA.Create(2048);
        Google.ServiceAccountKey = _serviceAccountKey;

        // Ollama's OpenAI-compatible API lives under /v1 of the server root, which is what ollama/ takes as api_base.
        var ollamaRoot = OllamaOpenAI.BaseUrl.ToString().TrimEnd('/')[..^"/v1".Length];
        Host = await GatewayTestHost.StartAsync(postgres, $$"""
            model_list:
              - model_name: openai
                litellm_params: { model: openai/gpt-4o, api_base: "{{OpenAI.BaseUrl}}", api_key: os.environ/OPENAI_API_KEY }
              - model_name: azure
                litellm_params: { model: azure/gpt-4o-eu, api_base: "{{Azure.Endpoint}}", api_key: os.environ/AZURE_API_KEY, api_version: "2024-10-21" }
                model_info: { base_model: azure/gpt-4o }
              - model_name: anthropic
                litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "{{Anthropic.BaseUrl}}", api_key: os.environ/ANTHROPIC_API_KEY }
              - model_name: gemini
                litellm_params: { model: gemini/gemini-2.5-cached, api_base: "{{Google.Root}}", api_key: os.environ/GEMINI_API_KEY }
                model_info: { base_model: gemini/gemini-2.5-flash }
              - model_name: vertex_ai
                litellm_params:
                  model: vertex_ai/gemini-2.5-flash
                  api_base: "{{Google.Root}}"
                  vertex_project: {{FakeGemini.VertexProject}}
                  vertex_location: {{FakeGemini.VertexLocation}}
                  vertex_credentials: os.environ/VERTEX_SERVICE_ACCOUNT
              - model_name: bedrock
                litellm_params:
                  model: bedrock/{{FakeBedrock.Model}}
                  api_base: "{{Bedrock.BaseUrl}}"
                  aws_access_key_id: os.environ/AWS_ACCESS_KEY_ID
                  aws_secret_access_key: os.environ/AWS_SECRET_ACCESS_KEY
                  aws_region_name: {{FakeBedrock.Region}}
              - model_name: ollama_chat
                litellm_params: { model: ollama_chat/llama3.2, api_base: "{{Ollama.Root}}", input_cost_per_token: {{OllamaInput.ToString(CultureInfo.InvariantCulture)}}, output_cost_per_token: {{OllamaOutput.ToString(CultureInfo.InvariantCulture)}} }
              - model_name: ollama
                litellm_params: { model: ollama/llama3.2, api_base: "{{ollamaRoot}}", api_key: {{FakeOpenAIChat.ApiKey}}, input_cost_per_token: {{OllamaInput.ToString(CultureInfo.InvariantCulture)}}, output_cost_per_token: {{OllamaOutput.ToString(CultureInfo.InvariantCulture)}} }
              - model_name: mock
                litellm_params: { model: mock/mock-gpt }
            """, new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = FakeOpenAIChat.ApiKey,
            ["AZURE_API_KEY"] = FakeAzureOpenAI.Key,
            ["ANTHROPIC_API_KEY"] = FakeAnthropic.ApiKey,
            ["GEMINI_API_KEY"] = FakeGemini.ApiKey,
            ["VERTEX_SERVICE_ACCOUNT"] = ServiceAccountJson(_serviceAccountKey, Google.Root),
            ["AWS_ACCESS_KEY_ID"] = FakeBedrock.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = FakeBedrock.SecretKey,
        });
    }

    /// <summary>A service-account key file as Google issues it, whose token endpoint is the fake's.</summary>
    static string ServiceAccountJson(RSA key, string root) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = FakeGemini.VertexProject,
        ["private_key_id"] = FakeGemini.ServiceAccountKeyId,
        ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = FakeGemini.ServiceAccountEmail,
        ["client_id"] = "1234567890",
        ["token_uri"] = root.TrimEnd('/') + "/token",
    }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await OpenAI.DisposeAsync();
        await OllamaOpenAI.DisposeAsync();
        await Azure.DisposeAsync();
        await Anthropic.DisposeAsync();
        await Google.DisposeAsync();
        await Bedrock.DisposeAsync();
        await Ollama.DisposeAsync();
        _serviceAccountKey.Dispose();
    }
}
