using Bunit;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.SignIn;
using Gateway.Portal.Tests.Fakes;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Portal.Tests.Features.SignIn;

public sealed class InvitationPageTests : PortalTestContext
{
    private readonly FakeAuthentication _authentication = new();

    private IRenderedComponent<InvitationPage> RenderPage() =>
        Render<InvitationPage>(p => p.Add(x => x.Token, "the-token").AddCascadingValue(_authentication.Request()));

    private static void Submit(IRenderedComponent<InvitationPage> page, string password, string confirmation)
    {
        page.Find("[data-testid=new-password]").Change(password);
        page.Find("[data-testid=confirm-password]").Change(confirmation);
        page.Find("form").Submit();
    }

    [Fact]
    public void an_unknown_or_used_link_says_to_ask_for_a_new_one_and_offers_no_form()
    {
        var page = RenderPage();

        Assert.Contains("Ask an admin for a new link", page.Find("[data-testid=invitation-problem]").TextContent);
        Assert.Empty(page.FindAll("form"));
    }

    [Fact]
    public void an_expired_link_says_when_it_expired()
    {
        Accounts.OpenInvitation = new Invitation("lena", null, new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), Expired: true);

        var page = RenderPage();

        Assert.Contains("expired on 2026-11-01 12:00 UTC", page.Find("[data-testid=invitation-problem]").TextContent);
        Assert.Empty(page.FindAll("form"));
    }

    [Theory]
    [InlineData("short", "short", "Use at least 12 characters.")]
    [InlineData("a long enough password", "a different long password", "The two passwords are not the same.")]
    public void a_password_that_will_not_do_is_explained_and_nothing_is_set(string password, string confirmation, string problem)
    {
        Accounts.OpenInvitation = new Invitation("lena", "lena@example.com", DateTimeOffset.UtcNow.AddDays(1), Expired: false);
        var page = RenderPage();

        Submit(page, password, confirmation);

        Assert.Equal(problem, page.Find("[data-testid=invitation-problem]").TextContent.Trim());
        Assert.Empty(Accounts.Accepted);
    }

    [Fact]
    public void a_good_password_is_set_and_the_user_is_signed_in_and_sent_to_the_portal()
    {
        Accounts.OpenInvitation = new Invitation("lena", "lena@example.com", DateTimeOffset.UtcNow.AddDays(1), Expired: false);
        Accounts.SignIn = (user, _) => new SignInAttempt(PortalClaims.ForUser(user, "stamp"), null);
        var page = RenderPage();
        Assert.Contains("lena (lena@example.com)", page.Find("[data-testid=invited-user]").TextContent);

        Submit(page, "a long enough password", "a long enough password");

        Assert.Equal([("the-token", "a long enough password")], Accounts.Accepted);
        Assert.Equal("lena", Assert.Single(_authentication.SignedIn).Principal.Identity!.Name);
        Assert.Equal("http://localhost/ui", Services.GetRequiredService<NavigationManager>().Uri);
    }
}
