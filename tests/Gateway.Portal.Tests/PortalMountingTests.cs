using System.Net;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
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
        builder.Services.AddGatewayPortal(new PortalOptions(new AdminCredentials("admin", "master-key-for-tests")));
        // The real accounts read the gateway's store, which this host does not have.
        builder.Services.AddScoped<IPortalAccounts, FakePortalAccounts>();

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
    public async Task the_portal_home_sends_a_visitor_without_the_cookie_to_sign_in()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _client.BaseAddress };

        var response = await client.GetAsync("/ui", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/ui/signin?ReturnUrl=%2Fui", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task the_sign_in_page_is_a_plain_form_with_an_antiforgery_token()
    {
        var response = await _client.GetAsync("/ui/signin", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("name=\"__RequestVerificationToken\"", html);
        Assert.Contains("name=\"Input.Username\"", html);
        Assert.Contains("_framework/blazor.web", html);
        Assert.Contains("_content/MudBlazor/MudBlazor.min", html);
        // Server-rendered only: no circuit is started for it.
        Assert.DoesNotContain("<!--Blazor:{\"type\":\"server\"", html);
    }

    [Fact]
    public async Task signing_out_without_the_antiforgery_token_is_refused()
    {
        using var form = new FormUrlEncodedContent([]);

        var response = await _client.PostAsync("/ui/signout", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
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
