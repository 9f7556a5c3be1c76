using Bunit;
using Gateway.Portal.Features.SignIn;

namespace Gateway.Portal.Tests.Features.SignIn;

public sealed class SignedOutPageTests : PortalTestContext
{
    [Fact]
    public void the_page_is_headed_with_the_product_name()
    {
        var page = Render<SignedOutPage>();

        Assert.Equal("LLM Gateway", page.Find("h1").TextContent.Trim());
        Assert.Contains("OpenAI-compatible endpoint", page.Find("[data-testid=product-summary]").TextContent);
    }

    [Fact]
    public void the_sign_in_area_says_sign_in_is_not_available_yet()
    {
        var page = Render<SignedOutPage>();

        var notice = page.Find("[data-testid=sign-in-notice]").TextContent;
        Assert.Contains("Sign-in is not available yet", notice);
        Assert.Contains("arrives with the portal issue", notice);
    }

    [Fact]
    public void the_sign_in_button_is_disabled_and_there_is_no_login_form()
    {
        var page = Render<SignedOutPage>();

        Assert.True(page.Find("[data-testid=sign-in-button]").HasAttribute("disabled"));
        Assert.Empty(page.FindAll("form"));
        Assert.Empty(page.FindAll("input"));
    }

    [Fact]
    public void the_api_area_links_to_the_model_list_and_shows_how_to_call_it()
    {
        var page = Render<SignedOutPage>();

        Assert.Equal("/v1/models", page.Find("[data-testid=models-link]").GetAttribute("href"));
        Assert.Contains(
            "curl http://localhost/v1/models -H \"Authorization: Bearer sk-",
            page.Find("[data-testid=api-area] code").TextContent);
    }
}
