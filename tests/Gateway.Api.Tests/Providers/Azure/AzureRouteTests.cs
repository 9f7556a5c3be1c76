using Gateway.Api.Providers.Azure;
using Gateway.Api.Providers.Mock;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Tests.Providers.Azure;

public sealed class AzureRouteTests
{
    static Deployment Azure(string apiBase, string? apiVersion = null, string? key = "k", IReadOnlyDictionary<string, object?>? parameters = null) => new()
    {
        Id = "d1", ModelGroup = "gpt-4o", ProviderName = "azure", UpstreamModel = "gpt-4o-eu", Provider = new MockProvider(),
        Price = new ModelPrice(), ApiBase = new Uri(apiBase), ApiVersion = apiVersion, ApiKey = key,
        Params = parameters ?? new Dictionary<string, object?>(),
    };

    static Func<string, string?> Environment(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void without_a_configured_version_litellms_default_is_used()
    {
        var route = AzureRoute.Resolve(Azure("https://res.openai.azure.com/"), Environment());
        Assert.Equal("2025-02-01-preview", route.ApiVersion);
        Assert.Equal(new Uri("https://res.openai.azure.com/openai/deployments/gpt-4o-eu/chat/completions?api-version=2025-02-01-preview"),
            route.For(OpenAIEndpoint.ChatCompletions));
        Assert.True(route.AsksForUsage);
    }

    [Fact]
    public void the_configured_version_wins_over_the_environment()
    {
        var route = AzureRoute.Resolve(Azure("https://res.openai.azure.com", "2024-10-21"), Environment(("AZURE_API_VERSION", "2024-02-01")));
        Assert.Equal("2024-10-21", route.ApiVersion);
        Assert.Equal(new Uri("https://res.openai.azure.com/openai/deployments/gpt-4o-eu/embeddings?api-version=2024-10-21"),
            route.For(OpenAIEndpoint.Embeddings));
        Assert.Equal(new Uri("https://res.openai.azure.com/openai/deployments/gpt-4o-eu/completions?api-version=2024-10-21"),
            route.For(OpenAIEndpoint.Completions));
    }

    [Theory]
    [InlineData("2024-02-01", false)]
    [InlineData("2024-08-01-preview", false)]
    [InlineData("2024-09-01-preview", true)]
    [InlineData("2024-10-21", true)]
    [InlineData("v1", true)]
    public void stream_usage_is_asked_for_only_where_azure_accepts_stream_options(string version, bool asks) =>
        Assert.Equal(asks, AzureRoute.Resolve(Azure("https://res.openai.azure.com", version), Environment()).AsksForUsage);

    [Theory]
    [InlineData("https://res.openai.azure.com")]
    [InlineData("https://res.openai.azure.com/openai")]
    [InlineData("https://res.openai.azure.com/openai/v1/")]
    public void the_v1_api_lives_under_openai_v1_whatever_suffix_the_endpoint_was_pasted_with(string apiBase)
    {
        var route = AzureRoute.Resolve(Azure(apiBase, "v1"), Environment());
        Assert.Equal(new Uri("https://res.openai.azure.com/openai/v1/chat/completions"), route.For(OpenAIEndpoint.ChatCompletions));
    }

    [Fact]
    public void the_key_goes_in_api_key_and_an_ad_token_in_authorization()
    {
        var keyed = AzureRoute.Resolve(Azure("https://res.openai.azure.com", "2024-10-21"), Environment());
        Assert.Equal(("api-key", "k"), (keyed.AuthHeader, keyed.AuthValue));

        var token = AzureRoute.Resolve(Azure("https://res.openai.azure.com", "2024-10-21", parameters: new Dictionary<string, object?> { ["azure_ad_token"] = "tok" }), Environment());
        Assert.Equal(("Authorization", "Bearer tok"), (token.AuthHeader, token.AuthValue));

        var fromEnvironment = AzureRoute.Resolve(Azure("https://res.openai.azure.com", "2024-10-21", key: null), Environment(("AZURE_AD_TOKEN", "env-tok")));
        Assert.Equal(("Authorization", "Bearer env-tok"), (fromEnvironment.AuthHeader, fromEnvironment.AuthValue));
    }

    [Theory]
    [InlineData("""{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}""", true)]
    [InlineData("""{"choices":[{"content_filter_offsets":{"check_offset":0},"content_filter_results":{},"finish_reason":null,"index":0}],"id":"","usage":null}""", true)]
    [InlineData("""{"choices":[{"delta":{"content":"Hi"},"finish_reason":null,"index":0}],"id":"c"}""", false)]
    [InlineData("""{"choices":[{"content_filter_results":{},"finish_reason":"content_filter","index":0}],"id":"c"}""", false)]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""", false)]
    public void only_filter_annotation_chunks_are_dropped(string chunk, bool dropped) =>
        Assert.Equal(dropped, AzureChunks.IsFilterAnnotation(System.Text.Encoding.UTF8.GetBytes(chunk)));
}
