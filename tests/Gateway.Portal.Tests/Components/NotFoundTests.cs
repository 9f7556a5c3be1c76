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
    public void a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_back()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/ui");

        Render<Routes>();

        Assert.Equal("http://localhost/ui/signin?ReturnUrl=%2Fui", navigation.Uri);
    }

    [Fact]
    public void a_signed_in_admin_reaches_the_overview()
    {
        SignInAs(Admin);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/ui");

        var routes = Render<Routes>();

        Assert.Equal("Overview", routes.Find("h1").TextContent.Trim());
    }
}
