using Bunit;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.SignIn;
using Gateway.Portal.Tests.Fakes;
using System.Net;
using Gateway.Domain.Limits;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Portal.Tests.Features.SignIn;

public sealed class SignInPageTests : PortalTestContext
{
    private readonly FakeAuthentication _authentication = new();

    private IRenderedComponent<SignInPage> RenderPage(string address = "/ui/signin", HttpContext? request = null)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return Render<SignInPage>(parameters => parameters.AddCascadingValue(request ?? _authentication.Request()));
    }

    private HttpContext RequestFrom(string address)
    {
        var request = _authentication.Request();
        request.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return request;
    }

    /// <summary>Two failures per address and per username, so the tests need few.</summary>
    private void AllowTwoFailures() => SignInLimit = new FailedAttemptLimit(2, TimeSpan.FromMinutes(1));

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

    [Fact]
    public void after_too_many_failed_sign_ins_from_an_address_the_form_refuses_without_checking_the_password()
    {
        AllowTwoFailures();
        var request = RequestFrom("198.51.100.7");
        var page = RenderPage(request: request);

        Submit(page, "admin", "guess one");
        Submit(page, "lena", "guess two");
        Submit(page, "someone", "guess three");

        Assert.Equal(2, Accounts.SignInsTried.Count);
        var problem = page.Find("[data-testid=sign-in-problem]").TextContent.Trim();
        Assert.StartsWith("Too many failed sign-ins from your network. Wait ", problem);
        Assert.EndsWith("seconds, then try again.", problem);
        Assert.Equal(StatusCodes.Status429TooManyRequests, request.Response.StatusCode);
        Assert.True(int.Parse(request.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Empty(_authentication.SignedIn);
    }

    [Fact]
    public void a_username_that_failed_too_often_is_refused_from_any_address_and_others_are_not()
    {
        AllowTwoFailures();
        var first = RenderPage(request: RequestFrom("198.51.100.7"));
        Submit(first, "lena", "guess one");
        var second = RenderPage(request: RequestFrom("203.0.113.9"));
        Submit(second, "Lena", "guess two");

        var third = RenderPage(request: RequestFrom("192.0.2.44"));
        Submit(third, "lena", "guess three");

        Assert.StartsWith("Too many failed sign-ins for this username.", third.Find("[data-testid=sign-in-problem]").TextContent.Trim());
        Assert.Contains("ask an admin for a new invitation", third.Find("[data-testid=sign-in-problem]").TextContent);
        Assert.Equal(2, Accounts.SignInsTried.Count);

        Submit(third, "admin", "another password");
        Assert.Equal(3, Accounts.SignInsTried.Count);
    }

    [Fact]
    public void sign_ins_that_work_are_never_counted()
    {
        AllowTwoFailures();
        Accounts.SignIn = (_, _) => new SignInAttempt(PortalClaims.ForUser("lena", "stamp"), null);

        for (var i = 0; i < 5; i++)
            Submit(RenderPage(request: RequestFrom("198.51.100.7")), "lena", "the right password");

        Assert.Equal(5, _authentication.SignedIn.Count);
    }
}
