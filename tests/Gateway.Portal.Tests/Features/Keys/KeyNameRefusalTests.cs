using Bunit;
using Gateway.Domain;
using Gateway.Domain.Keys;
using Gateway.Portal.Features.Keys;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Keys;

/// <summary>
/// A name the gateway cannot store, typed into the key dialog: the refusal is the one the shared decision gives (the
/// client against PostgreSQL is tested in Gateway.E2E.Tests, PortalNamesTests), shown where the person can fix it.
/// </summary>
public sealed class KeyNameRefusalTests : PortalTestContext
{
    [Theory]
    [InlineData(513, "key_alias at most 512 characters.")]
    [InlineData(300_000, "key_alias at most 512 characters.")]
    public async Task an_alias_too_long_to_store_is_refused_and_the_dialog_stays_open_to_shorten_it(int length, string message)
    {
        var alias = new string('a', length);
        var refusal = IssueKey.Decide(new IssueKey(Guid.CreateVersion7(), KeyPlaintext.Hash("sk-typed"), "sk-...yped", "portal:admin") { KeyAlias = alias },
            DateTimeOffset.UtcNow).Rejection;
        Assert.Equal((RejectionKind.Invalid, "key_alias", message), (refusal?.Kind, refusal?.Field, refusal?.Message));
        Keys.IssueRefusal = refusal;

        SignInAs(Admin);
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<IssueKeyDialog>("Issue a key",
            new DialogParameters<IssueKeyDialog> { { d => d.User, Admin }, { d => d.Teams, Array.Empty<string>() } }));
        dialogs.Find("input[data-testid=key-alias]").Change(alias);
        dialogs.Find("[data-testid=issue-submit]").Click();

        Assert.Equal(message, dialogs.Find("[data-testid=issue-problem]").TextContent.Trim());
        Assert.Equal(alias, Assert.Single(Keys.IssuedWith).Alias);
        Assert.Equal(alias, dialogs.Find("input[data-testid=key-alias]").GetAttribute("value"));
        Assert.Empty(dialogs.FindAll("input[data-testid=key-plaintext]"));
    }
}
