using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Portal.Tests;

/// <summary>
/// The portal mounted the way the gateway mounts it (AddGatewayPortal + MapGatewayPortal) in a real
/// Kestrel host running as Production from the build output, as `dotnet run` does.
/// </summary>
public sealed class PortalMountingTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The static web assets manifests copied into the test output are named after the portal.
            ApplicationName = typeof(PortalRegistration).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddGatewayPortal();

        _app = builder.Build();
        _app.MapGet("/v1/models", () => Results.Json(new { data = Array.Empty<object>() }));
        _app.MapGatewayPortal();
        await _app.StartAsync(TestContext.Current.CancellationToken);

        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task the_portal_home_is_served_as_a_prerendered_page()
    {
        var response = await _client.GetAsync("/ui", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Sign-in is not available yet", html);
        Assert.Contains("_framework/blazor.web", html);
        Assert.Contains("_content/MudBlazor/MudBlazor.min", html);
    }

    [Fact]
    public async Task an_unknown_portal_address_is_a_404_with_the_friendly_page()
    {
        var response = await _client.GetAsync("/ui/no/such/page", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is nothing at this address", html);
    }

    [Fact]
    public async Task addresses_outside_the_portal_are_left_to_the_api()
    {
        var models = await _client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        var unknown = await _client.GetAsync("/no-such-endpoint", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js")]
    public async Task static_assets_have_content_outside_development(string path)
    {
        // Without static web assets enabled, these answer 200 with an empty body. (The portal's own
        // portal.css is not probed: in this test host the portal is the app, so it sits at the root.)
        var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(body);
    }
}
