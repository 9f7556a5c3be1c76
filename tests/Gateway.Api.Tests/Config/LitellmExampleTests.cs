using Gateway.Api.Config;

namespace Gateway.Api.Tests.Config;

public sealed class LitellmExampleTests
{
    // LITELLM.md §7, verbatim.
    private const string Example = """
        model_list:
          - model_name: gpt-4o
            litellm_params: {model: azure/gpt-4o-eu, api_base: os.environ/AZURE_API_BASE,
                             api_key: os.environ/AZURE_API_KEY, api_version: "2024-10-21", rpm: 600, weight: 2}
            model_info: {base_model: azure/gpt-4o}
          - model_name: gpt-4o
            litellm_params: {model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY, timeout: 120}
          - model_name: claude-sonnet
            litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/ANTHROPIC_API_KEY}
          - model_name: text-embedding-3-small
            litellm_params: {model: openai/text-embedding-3-small, api_key: os.environ/OPENAI_API_KEY}
            model_info: {mode: embedding}
          - model_name: local-llama
            litellm_params: {model: hosted_vllm/meta-llama/Llama-3.1-8B-Instruct, api_base: http://vllm:8000/v1,
                             input_cost_per_token: 0.0, output_cost_per_token: 0.0}
        router_settings:
          routing_strategy: simple-shuffle
          num_retries: 2
          allowed_fails: 3
          cooldown_time: 30
          fallbacks: [{"gpt-4o": ["claude-sonnet"]}]
          context_window_fallbacks: [{"gpt-4o": ["claude-sonnet"]}]
          redis_host: os.environ/REDIS_HOST
        litellm_settings:
          drop_params: true
          max_budget: 5000
          budget_duration: 30d
        general_settings:
          master_key: os.environ/LITELLM_MASTER_KEY
          database_url: os.environ/DATABASE_URL
        """;

    private static readonly (string, string)[] Environment =
    [
        ("AZURE_API_BASE", "https://eu.openai.azure.com"),
        ("AZURE_API_KEY", "azure-secret"),
        ("OPENAI_API_KEY", "sk-openai"),
        ("ANTHROPIC_API_KEY", "sk-ant"),
        ("REDIS_HOST", "redis.internal"),
        ("LITELLM_MASTER_KEY", "sk-master"),
        ("DATABASE_URL", "postgresql://gw:pw@db/gateway"),
    ];

    private readonly GatewayConfig config = ConfigText.Parse(Example, Environment);

    [Fact]
    public void every_deployment_is_read_in_file_order_with_its_line()
    {
        Assert.Equal(["gpt-4o", "gpt-4o", "claude-sonnet", "text-embedding-3-small", "local-llama"],
            config.ModelList.Select(d => d.ModelName));
        Assert.Equal([2, 6, 8, 10, 13], config.ModelList.Select(d => d.Line));
        Assert.Equal(ConfigText.FileName, config.SourcePath);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void the_azure_deployment_has_its_params_typed_and_its_secrets_from_the_environment()
    {
        var azure = config.ModelList[0];
        Assert.Equal("azure/gpt-4o-eu", azure.Params.Model);
        Assert.Equal("azure", azure.Params.Provider);
        Assert.Equal("https://eu.openai.azure.com", azure.Params.ApiBase);
        Assert.Equal("azure-secret", azure.Params.ApiKey);
        Assert.Equal("2024-10-21", azure.Params.ApiVersion);
        Assert.Equal(600, azure.Params.Rpm);
        Assert.Equal(2.0, azure.Params.Weight);
        Assert.Null(azure.Params.Tpm);
        Assert.Null(azure.Params.Timeout);
        Assert.Empty(azure.Params.Extra);
        Assert.Equal("azure/gpt-4o", azure.Info.BaseModel);
        Assert.Null(azure.Info.Id);
    }

    [Fact]
    public void the_other_deployments_keep_their_own_settings()
    {
        var openai = config.ModelList[1];
        Assert.Equal("openai/gpt-4o", openai.Params.Model);
        Assert.Equal("sk-openai", openai.Params.ApiKey);
        Assert.Equal(120.0, openai.Params.Timeout);

        Assert.Equal("sk-ant", config.ModelList[2].Params.ApiKey);
        Assert.Equal("embedding", config.ModelList[3].Info.Mode);

        var llama = config.ModelList[4];
        Assert.Equal("hosted_vllm/meta-llama/Llama-3.1-8B-Instruct", llama.Params.Model);
        Assert.Equal("hosted_vllm", llama.Params.Provider);
        Assert.Equal("http://vllm:8000/v1", llama.Params.ApiBase);
        Assert.Equal(0m, llama.Params.InputCostPerToken);
        Assert.Equal(0m, llama.Params.OutputCostPerToken);
        Assert.Null(llama.Params.ApiKey);
    }

    [Fact]
    public void router_settings_are_typed_fallbacks_included()
    {
        var router = config.Router;
        Assert.Equal("simple-shuffle", router.RoutingStrategy);
        Assert.Equal(2, router.NumRetries);
        Assert.Equal(3, router.AllowedFails);
        Assert.Equal(30.0, router.CooldownTime);
        Assert.Null(router.Timeout);

        var rule = Assert.Single(router.Fallbacks!);
        Assert.Equal("gpt-4o", rule.ModelGroup);
        Assert.Equal(["claude-sonnet"], rule.Fallbacks);
        Assert.Equal(["claude-sonnet"], Assert.Single(router.ContextWindowFallbacks!).Fallbacks);
        Assert.Equal("redis.internal", router.Extra["redis_host"]);
    }

    [Fact]
    public void litellm_and_general_settings_are_typed()
    {
        Assert.True(config.Litellm.DropParams);
        Assert.Equal(5000m, config.Litellm.MaxBudget);
        Assert.Equal("30d", config.Litellm.BudgetDuration);
        Assert.Equal("sk-master", config.General.MasterKey);
        Assert.Equal("postgresql://gw:pw@db/gateway", config.General.DatabaseUrl);
    }

    [Fact]
    public void printing_the_config_does_not_reveal_keys()
    {
        var deployment = config.ModelList[0].ToString();
        Assert.Contains("azure/gpt-4o-eu", deployment, StringComparison.Ordinal);
        Assert.DoesNotContain("azure-secret", deployment, StringComparison.Ordinal);

        var general = config.General.ToString();
        Assert.Contains("MasterKey = <redacted>", general, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-master", general, StringComparison.Ordinal);
        Assert.DoesNotContain("pw@db", general, StringComparison.Ordinal);
    }

    [Fact]
    public void without_its_environment_the_example_still_loads_and_says_what_is_missing()
    {
        var bare = ConfigText.Parse(Example);

        Assert.Null(bare.ModelList[0].Params.ApiKey);
        Assert.Null(bare.General.MasterKey);
        Assert.Null(bare.Router.Extra["redis_host"]);
        Assert.Contains(bare.Warnings, w => w == "config.yaml:3: model_list[0].litellm_params.api_base: environment variable AZURE_API_BASE is not set; the setting is left empty");
        Assert.Contains(bare.Warnings, w => w.StartsWith("config.yaml:29: general_settings.master_key: environment variable LITELLM_MASTER_KEY", StringComparison.Ordinal));
        // One warning per reference, in file order.
        Assert.Equal(8, bare.Warnings.Count);
        Assert.Equal(bare.Warnings.OrderBy(LineOf), bare.Warnings);
    }

    private static int LineOf(string warning) => int.Parse(warning.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
}
