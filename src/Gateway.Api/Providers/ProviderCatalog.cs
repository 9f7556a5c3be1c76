using Gateway.Api.Providers.Bedrock;
using Gateway.Api.Providers.Anthropic;
using Gateway.Api.Providers.Azure;
using Gateway.Api.Providers.Gemini;
using Gateway.Api.Providers.Mock;
using Gateway.Api.Providers.Ollama;
using Gateway.Api.Providers.OpenAICompatible;
using Gateway.Api.Providers.Vertex;

namespace Gateway.Api.Providers;

/// <summary>What a provider prefix in config means: which adapter, its default base URL and where its key lives.</summary>
/// <param name="BasePath">A path the API lives under, added to an api_base given without it (Ollama's <c>/v1</c>).</param>
public sealed record ProviderPreset(string Name, Provider Provider, string? DefaultApiBase, string[] ApiKeyVariables, string[] ApiBaseVariables,
    string? BasePath = null);

/// <summary>
/// The providers a <c>model: &lt;provider&gt;/&lt;model&gt;</c> in config can name. OpenAI-compatible vendors share one
/// adapter and differ only in base URL and key variable (the same names LiteLLM reads).
/// </summary>
public sealed class ProviderCatalog
{
    readonly Dictionary<string, ProviderPreset> _presets = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="environment">Where providers read settings that are not per deployment (e.g. AZURE_API_VERSION); the process environment when not given.</param>
    public ProviderCatalog(UpstreamClients clients, long maxResponseBytes, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var openAI = new OpenAICompatibleProvider(clients, maxResponseBytes);
        Add(new ProviderPreset("mock", new MockProvider(), null, [], []));
        // Bedrock reads its AWS settings (keys, region, API key) itself: which one applies depends on the others.
        Add(new ProviderPreset("bedrock", new BedrockProvider(clients, maxResponseBytes, environment),
            BedrockProvider.RegionalEndpoint, [], []));
        Add(new ProviderPreset(AnthropicProvider.Name, new AnthropicProvider(clients, maxResponseBytes), "https://api.anthropic.com", ["ANTHROPIC_API_KEY"], ["ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"]));
        Add(new ProviderPreset("azure", new AzureProvider(clients, maxResponseBytes, environment), null, ["AZURE_API_KEY", "AZURE_OPENAI_API_KEY"], ["AZURE_API_BASE"]));
        Add(new ProviderPreset(GeminiProvider.Name, new GeminiProvider(clients, maxResponseBytes), GeminiProvider.DefaultApiBase, ["GEMINI_API_KEY", "GOOGLE_API_KEY"], ["GEMINI_API_BASE"]));
        // Vertex reads its project, location and credentials itself: which one applies depends on the others.
        Add(new ProviderPreset(VertexProvider.Name, new VertexProvider(clients, maxResponseBytes, environment), VertexProvider.GlobalEndpoint, [], []));
        Add(new ProviderPreset("ollama_chat", new OllamaProvider(clients, maxResponseBytes), "http://localhost:11434", ["OLLAMA_API_KEY"], ["OLLAMA_API_BASE"]));
        // ollama/ is Ollama's OpenAI-compatible API under /v1; api_base is the server root as for ollama_chat/.
        Add(new ProviderPreset("ollama", openAI, "http://localhost:11434/v1", ["OLLAMA_API_KEY"], ["OLLAMA_API_BASE"], BasePath: "/v1"));

        OpenAICompatible("openai", "https://api.openai.com/v1", ["OPENAI_API_KEY"], ["OPENAI_API_BASE", "OPENAI_BASE_URL"]);
        OpenAICompatible("custom_openai", null, ["OPENAI_API_KEY"], ["OPENAI_API_BASE"]);
        OpenAICompatible("text-completion-openai", "https://api.openai.com/v1", ["OPENAI_API_KEY"], ["OPENAI_API_BASE"]);
        OpenAICompatible("hosted_vllm", null, ["HOSTED_VLLM_API_KEY"], ["HOSTED_VLLM_API_BASE"]);
        OpenAICompatible("lm_studio", "http://localhost:1234/v1", ["LM_STUDIO_API_KEY"], ["LM_STUDIO_API_BASE"]);
        OpenAICompatible("groq", "https://api.groq.com/openai/v1", ["GROQ_API_KEY"], ["GROQ_API_BASE"]);
        OpenAICompatible("mistral", "https://api.mistral.ai/v1", ["MISTRAL_API_KEY"], ["MISTRAL_API_BASE"]);
        OpenAICompatible("codestral", "https://codestral.mistral.ai/v1", ["CODESTRAL_API_KEY"], ["CODESTRAL_API_BASE"]);
        OpenAICompatible("deepseek", "https://api.deepseek.com/v1", ["DEEPSEEK_API_KEY"], ["DEEPSEEK_API_BASE"]);
        OpenAICompatible("together_ai", "https://api.together.xyz/v1", ["TOGETHERAI_API_KEY", "TOGETHER_AI_API_KEY", "TOGETHER_API_KEY"], ["TOGETHERAI_API_BASE"]);
        OpenAICompatible("fireworks_ai", "https://api.fireworks.ai/inference/v1", ["FIREWORKS_AI_API_KEY", "FIREWORKS_API_KEY", "FIREWORKSAI_API_KEY"], ["FIREWORKS_AI_API_BASE"]);
        OpenAICompatible("openrouter", "https://openrouter.ai/api/v1", ["OPENROUTER_API_KEY", "OR_API_KEY"], ["OPENROUTER_API_BASE"]);
        OpenAICompatible("xai", "https://api.x.ai/v1", ["XAI_API_KEY"], ["XAI_API_BASE"]);
        OpenAICompatible("perplexity", "https://api.perplexity.ai", ["PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"], ["PERPLEXITY_API_BASE"]);
        OpenAICompatible("cerebras", "https://api.cerebras.ai/v1", ["CEREBRAS_API_KEY"], ["CEREBRAS_API_BASE"]);
        OpenAICompatible("deepinfra", "https://api.deepinfra.com/v1/openai", ["DEEPINFRA_API_KEY"], ["DEEPINFRA_API_BASE"]);
        OpenAICompatible("nvidia_nim", "https://integrate.api.nvidia.com/v1", ["NVIDIA_NIM_API_KEY"], ["NVIDIA_NIM_API_BASE"]);
        OpenAICompatible("sambanova", "https://api.sambanova.ai/v1", ["SAMBANOVA_API_KEY"], ["SAMBANOVA_API_BASE"]);
        OpenAICompatible("nebius", "https://api.studio.nebius.ai/v1", ["NEBIUS_API_KEY"], ["NEBIUS_API_BASE"]);
        OpenAICompatible("github", "https://models.inference.ai.azure.com", ["GITHUB_API_KEY"], ["GITHUB_API_BASE"]);
        OpenAICompatible("moonshot", "https://api.moonshot.ai/v1", ["MOONSHOT_API_KEY"], ["MOONSHOT_API_BASE"]);
        OpenAICompatible("dashscope", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", ["DASHSCOPE_API_KEY"], ["DASHSCOPE_API_BASE"]);

        void OpenAICompatible(string name, string? apiBase, string[] keys, string[] bases) =>
            Add(new ProviderPreset(name, openAI, apiBase, keys, bases));
    }

    public IEnumerable<string> Names => _presets.Keys.Order(StringComparer.Ordinal);

    public ProviderPreset? Find(string name) => _presets.GetValueOrDefault(name);

    void Add(ProviderPreset preset) => _presets[preset.Name] = preset;
}
