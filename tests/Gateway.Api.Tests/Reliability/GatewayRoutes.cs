using Alba;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Reliability;

/// <summary>One method on one route of the running app, as its endpoint data source lists it.</summary>
public sealed record GatewayRoute(string Method, string Pattern, Endpoint Endpoint)
{
    /// <summary>A concrete path for the pattern: each route parameter filled with a plausible value.</summary>
    public string Path => "/" + string.Join('/', Parse().PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternParameterPart { Name: "model" } => "mock-gpt",
        RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.Empty.ToString(),
        RoutePatternParameterPart => "anything",
        _ => "",
    }))));

    /// <summary>The type Wolverine binds the JSON body to, when the endpoint binds one.</summary>
    public Type? BodyType => Endpoint.Metadata.GetMetadata<Wolverine.Http.HttpChain>()?.RequestType;

    public bool IsWolverine => Endpoint.Metadata.GetMetadata<Wolverine.Http.HttpChain>() is not null;

    public override string ToString() => $"{Method} {Pattern}";

    RoutePattern Parse() => RoutePatternFactory.Parse(Pattern);

    /// <summary>
    /// Every method of every route, static files aside (the portal's scripts and styles, each its own endpoint). A route
    /// that takes any method is listed once, as <c>*</c>.
    /// </summary>
    public static IReadOnlyList<GatewayRoute> Of(IAlbaHost host)
    {
        var routes = new List<GatewayRoute>();
        foreach (var endpoint in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null)
                continue;
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            foreach (var method in methods)
                routes.Add(new GatewayRoute(method, pattern, endpoint));
        }
        return routes.DistinctBy(r => (r.Method, r.Pattern)).OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();
    }
}
