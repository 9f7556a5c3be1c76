using Gateway.Api.Providers;
using Gateway.Api.Providers.Vertex;
using Gateway.Api.Routing;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Tests.Providers.Vertex;

/// <summary>Which URL a <c>vertex_ai/</c> deployment calls when it names no api_base, and what stops it from calling at all.</summary>
public sealed class VertexTargetTests
{
    static Deployment Deployment(IReadOnlyDictionary<string, object?> parameters, string? apiKey = "ya29.token") => new()
    {
        Id = "d1", ModelGroup = "g", ProviderName = VertexProvider.Name, UpstreamModel = "gemini-2.5-pro",
        Provider = null!, Price = new ModelPrice(), ApiBase = new Uri(VertexProvider.GlobalEndpoint), ApiKey = apiKey, Params = parameters,
    };

    static string? NoEnvironment(string _) => null;

    [Fact]
    public void a_regional_location_calls_the_regional_host()
    {
        var target = VertexTarget.Resolve(Deployment(new Dictionary<string, object?> { ["vertex_project"] = "acme", ["vertex_location"] = "europe-west4" }), NoEnvironment);
        Assert.Null(target.Problem);
        Assert.Equal("https://europe-west4-aiplatform.googleapis.com/v1/projects/acme/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent",
            target.Generate!.AbsoluteUri);
        Assert.Equal("https://europe-west4-aiplatform.googleapis.com/v1/projects/acme/locations/europe-west4/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
            target.StreamGenerate!.AbsoluteUri);
    }

    [Fact]
    public void the_global_location_has_no_regional_host_and_us_central1_is_the_default()
    {
        var global = VertexTarget.Resolve(Deployment(new Dictionary<string, object?> { ["vertex_project"] = "acme", ["vertex_location"] = "global" }), NoEnvironment);
        Assert.StartsWith("https://aiplatform.googleapis.com/v1/projects/acme/locations/global/", global.Generate!.AbsoluteUri);

        var unset = VertexTarget.Resolve(Deployment(new Dictionary<string, object?>()), name => name == "VERTEXAI_PROJECT" ? "from-env" : null);
        Assert.StartsWith("https://us-central1-aiplatform.googleapis.com/v1/projects/from-env/locations/us-central1/", unset.Generate!.AbsoluteUri);
    }

    [Fact]
    public void without_a_project_or_credentials_the_deployment_says_what_is_missing()
    {
        var noProject = VertexTarget.Resolve(Deployment(new Dictionary<string, object?>()), NoEnvironment);
        Assert.Contains("vertex_project", noProject.Problem!.Message);

        var noCredentials = VertexTarget.Resolve(Deployment(new Dictionary<string, object?> { ["vertex_project"] = "acme" }, apiKey: null), NoEnvironment);
        Assert.Equal(401, noCredentials.Problem!.Status);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", noCredentials.Problem.Message);

        var notAKey = VertexTarget.Resolve(Deployment(new Dictionary<string, object?> { ["vertex_project"] = "acme", ["vertex_credentials"] = "{\"type\":\"authorized_user\"}" }, apiKey: null), NoEnvironment);
        Assert.Contains("service_account", notAKey.Problem!.Message);
    }
}
