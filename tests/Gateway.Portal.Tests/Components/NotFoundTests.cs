using Bunit;
using Gateway.Portal.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Portal.Tests.Components;

public sealed class NotFoundTests : PortalTestContext
{
    [Fact]
    public void an_unknown_portal_address_shows_the_friendly_not_found_page()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/ui/no-such-page");

        var routes = Render<Routes>();

        Assert.Equal("There is nothing at this address", routes.Find("h1").TextContent.Trim());
        Assert.Contains("/ui/no-such-page", routes.Find("[data-testid=not-found-path]").TextContent);
    }

    [Fact]
    public void the_portal_home_is_the_signed_out_page()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/ui");

        var routes = Render<Routes>();

        Assert.Equal("LLM Gateway", routes.Find("h1").TextContent.Trim());
    }
}
