using Bunit;
using Gateway.Domain;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Keys;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Keys;

public sealed class IssueKeyDialogTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private async Task<IDialogReference> OpenAsync(SignedInUser user, IReadOnlyList<string> teams)
    {
        SignInAs(user);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        var service = Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await _dialogs.InvokeAsync(async () => reference = await service.ShowAsync<IssueKeyDialog>("Issue a key",
            new DialogParameters<IssueKeyDialog> { { d => d.User, user }, { d => d.Teams, teams } }));
        return reference!;
    }

    [Fact]
    public async Task issuing_shows_the_new_key_once_with_a_warning_and_a_copy_button()
    {
        await OpenAsync(Admin, ["ads", "search"]);
        _dialogs.Find("input[data-testid=key-alias]").Change("checkout");
        _dialogs.Find("[data-testid=issue-submit]").Click();

        Assert.Equal("sk-the-one-time-secret-1234", _dialogs.Find("input[data-testid=key-plaintext]").GetAttribute("value"));
        Assert.Contains("shown only this once", _dialogs.Find("[data-testid=shown-once-warning]").TextContent);
        Assert.NotNull(_dialogs.Find("[aria-label='Copy the key']"));
        Assert.Equal("checkout", Assert.Single(Keys.IssuedWith).Alias);
    }

    [Fact]
    public async Task once_the_dialog_is_closed_the_key_is_gone_and_a_new_dialog_shows_the_form()
    {
        var first = await OpenAsync(Admin, []);
        _dialogs.Find("[data-testid=issue-submit]").Click();
        _dialogs.Find("[data-testid=issue-done]").Click();

        var result = await first.Result;
        Assert.False(result!.Canceled);
        Assert.DoesNotContain("sk-the-one-time-secret-1234", _dialogs.Markup);

        var service = Services.GetRequiredService<IDialogService>();
        await _dialogs.InvokeAsync(() => service.ShowAsync<IssueKeyDialog>("Issue a key",
            new DialogParameters<IssueKeyDialog> { { d => d.User, Admin }, { d => d.Teams, Array.Empty<string>() } }));
        Assert.NotNull(_dialogs.Find("input[data-testid=key-alias]"));
        Assert.DoesNotContain("sk-the-one-time-secret-1234", _dialogs.Markup);
    }

    [Fact]
    public async Task copying_puts_the_key_on_the_clipboard()
    {
        await OpenAsync(Admin, []);
        _dialogs.Find("[data-testid=issue-submit]").Click();

        _dialogs.Find("[aria-label='Copy the key']").Click();

        var copy = Assert.Single(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText");
        Assert.Equal("sk-the-one-time-secret-1234", copy.Arguments[0]);
    }

    [Fact]
    public async Task a_refusal_is_shown_and_no_key_appears()
    {
        Keys.IssueRefusal = new Rejection(RejectionKind.Conflict, "Another key is already called 'checkout'.", "key_alias");
        await OpenAsync(Admin, []);

        _dialogs.Find("[data-testid=issue-submit]").Click();

        Assert.Equal("Another key is already called 'checkout'.", _dialogs.Find("[data-testid=issue-problem]").TextContent.Trim());
        Assert.Empty(_dialogs.FindAll("input[data-testid=key-plaintext]"));
    }

    [Fact]
    public async Task a_team_lead_of_one_team_issues_into_that_team()
    {
        await OpenAsync(LeadOfSearch, ["search"]);

        _dialogs.Find("[data-testid=issue-submit]").Click();

        Assert.Equal("search", Assert.Single(Keys.IssuedWith).TeamId);
    }
}
