using Bunit;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.SignIn;
using Gateway.Portal.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Portal.Tests.Features.SignIn;

public sealed class SignInPageTests : PortalTestContext
{
    private readonly FakeAuthentication _authentication = new();

    private IRenderedComponent<SignInPage> RenderPage(string address = "/ui/signin")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return Render<SignInPage>(parameters => parameters.AddCascadingValue(_authentication.Request()));
    }

    private static void Submit(IRenderedComponent<SignInPage> page, string username, string password)
    {
        page.Find("[data-testid=username]").Change(username);
        page.Find("[data-testid=password]").Change(password);
        page.Find("[data-testid=sign-in-form]").Submit();
    }

    [Fact]
    public void the_form_asks_for_a_username_and_a_password()
    {
        var page = RenderPage();

        Assert.Equal("Sign in", page.Find("h1").TextContent.Trim());
        Assert.Equal("post", page.Find("[data-testid=sign-in-form]").GetAttribute("method"));
        Assert.Equal("password", page.Find("[data-testid=password]").GetAttribute("type"));
        Assert.Empty(page.FindAll("[data-testid=sign-in-problem]"));
    }

    [Fact]
    public void an_empty_form_says_what_is_missing_and_checks_nothing()
    {
        var page = RenderPage();

        Submit(page, "", "");

        var messages = page.FindAll(".validation-message").Select(m => m.TextContent.Trim());
        Assert.Equal(["Enter your username.", "Enter your password."], messages);
        Assert.Empty(Accounts.SignInsTried);
        Assert.Empty(_authentication.SignedIn);
    }

    [Fact]
    public void wrong_credentials_are_refused_with_a_message_and_no_cookie()
    {
        var page = RenderPage();

        Submit(page, "admin", "not the master key");

        Assert.Equal([("admin", "not the master key")], Accounts.SignInsTried);
        Assert.Equal("The username or password is not right.", page.Find("[data-testid=sign-in-problem]").TextContent.Trim());
        Assert.Empty(_authentication.SignedIn);
    }

    [Fact]
    public void the_reason_a_known_user_may_not_sign_in_is_shown()
    {
        Accounts.SignIn = (_, _) => SignInAttempt.Failed("Your account does not lead any team.");
        var page = RenderPage();

        Submit(page, "lena", "a long password");

        Assert.Equal("Your account does not lead any team.", page.Find("[data-testid=sign-in-problem]").TextContent.Trim());
    }

    [Fact]
    public void right_credentials_sign_in_with_the_portal_cookie_and_return_to_the_page_asked_for()
    {
        var admin = new AdminCredentials("admin", "master-key-for-tests");
        Accounts.SignIn = (username, password) => admin.Matches(username, password)
            ? new SignInAttempt(PortalClaims.ForAdmin(admin), null)
            : SignInAttempt.Failed("no");
        var page = RenderPage("/ui/signin?ReturnUrl=%2Fui%2Fkeys");

        Submit(page, "admin", "master-key-for-tests");

        var (scheme, principal) = Assert.Single(_authentication.SignedIn);
        Assert.Equal(PortalAuthentication.Scheme, scheme);
        Assert.Equal("admin", principal.Identity!.Name);
        Assert.Equal("http://localhost/ui/keys", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void a_return_address_outside_the_portal_is_not_followed()
    {
        Accounts.SignIn = (_, _) => new SignInAttempt(PortalClaims.ForUser("lena", "stamp"), null);
        var page = RenderPage("/ui/signin?ReturnUrl=https%3A%2F%2Fevil.example%2F");

        Submit(page, "lena", "a long password");

        Assert.Equal("http://localhost/ui", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void the_api_area_links_to_the_model_list_and_shows_how_to_call_it()
    {
        var page = RenderPage();

        Assert.Equal("/v1/models", page.Find("[data-testid=models-link]").GetAttribute("href"));
        Assert.Contains(
            "curl http://localhost/v1/models -H \"Authorization: Bearer sk-",
            page.Find("[data-testid=api-area] code").TextContent);
    }
}
