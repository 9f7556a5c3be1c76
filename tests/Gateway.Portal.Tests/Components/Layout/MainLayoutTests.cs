using Bunit;
using Gateway.Portal.Components.Layout;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Extensions;

namespace Gateway.Portal.Tests.Components.Layout;

public sealed class MainLayoutTests : PortalTestContext
{
    public MainLayoutTests() => SignInAs(Admin);

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(parameters => parameters.Add(
            layout => layout.Body,
            (RenderFragment)(builder => builder.AddMarkupContent(0, "<p id=\"page-body\">page body</p>"))));

    [Fact]
    public void the_app_bar_carries_the_product_name_and_who_is_signed_in()
    {
        var layout = RenderLayout();

        Assert.Contains("LLM Gateway", layout.Find("header.mud-appbar").TextContent);
        Assert.Equal("admin · Admin", layout.Find("[data-testid=signed-in-as]").TextContent.Trim());
    }

    [Fact]
    public void the_page_is_rendered_inside_the_layout()
    {
        var layout = RenderLayout();

        Assert.Equal("page body", layout.Find(".mud-main-content #page-body").TextContent);
    }

    [Fact]
    public void the_layout_hosts_the_mudblazor_providers()
    {
        var layout = RenderLayout();

        Assert.True(layout.HasComponent<MudThemeProvider>());
        Assert.True(layout.HasComponent<MudPopoverProvider>());
        Assert.True(layout.HasComponent<MudDialogProvider>());
        Assert.True(layout.HasComponent<MudSnackbarProvider>());
    }

    [Fact]
    public void an_admin_is_offered_every_section()
    {
        var layout = RenderLayout();

        var sections = layout.FindAll("[data-testid=nav] .mud-nav-link-text").Select(link => link.TextContent.Trim());
        Assert.Equal(["Overview", "Keys", "Teams", "Users", "Customers", "Models", "Usage", "Logs", "Audit"], sections);
    }

    [Fact]
    public void a_team_lead_is_not_offered_the_admin_sections_and_reads_the_models()
    {
        SignInAs(LeadOfSearch);

        var layout = RenderLayout();

        var sections = layout.FindAll("[data-testid=nav] .mud-nav-link-text").Select(link => link.TextContent.Trim());
        Assert.Equal(["Overview", "Keys", "Teams", "Models", "Usage", "Logs", "Audit"], sections);
        Assert.Equal("lena · Team lead", layout.Find("[data-testid=signed-in-as]").TextContent.Trim());
    }

    [Fact]
    public void a_signed_in_account_the_store_no_longer_knows_sees_no_page_and_no_navigation()
    {
        Accounts.Resolved = null;

        var layout = RenderLayout();

        Assert.Contains("can no longer use the portal", layout.Find("[data-testid=no-access]").TextContent);
        Assert.Empty(layout.FindAll("#page-body"));
        Assert.Empty(layout.FindAll("[data-testid=nav]"));
        Assert.NotEmpty(layout.FindAll("[data-testid=sign-out-form]"));
    }

    [Fact]
    public void sign_out_is_a_form_post_to_the_sign_out_address()
    {
        var layout = RenderLayout();

        var form = layout.Find("[data-testid=sign-out-form]");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/ui/signout", form.GetAttribute("action"));
        Assert.Equal("submit", form.QuerySelector("[data-testid=sign-out]")!.GetAttribute("type"));
    }

    [Fact]
    public void the_dark_mode_toggle_switches_the_theme_to_dark_and_back()
    {
        var layout = RenderLayout();
        var theme = layout.FindComponent<MudThemeProvider>();
        Assert.False(theme.Instance.GetState(x => x.IsDarkMode));

        layout.Find("[data-testid=dark-mode-toggle]").Click();

        Assert.True(theme.Instance.GetState(x => x.IsDarkMode));
        Assert.Equal("Switch to light mode", layout.Find("[data-testid=dark-mode-toggle]").GetAttribute("aria-label"));

        layout.Find("[data-testid=dark-mode-toggle]").Click();

        Assert.False(theme.Instance.GetState(x => x.IsDarkMode));
        Assert.Equal("Switch to dark mode", layout.Find("[data-testid=dark-mode-toggle]").GetAttribute("aria-label"));
    }

    [Fact]
    public void the_dark_mode_toggle_is_disabled_until_the_circuit_is_interactive()
    {
        RenderAsPrerendered();

        var layout = RenderLayout();

        Assert.True(layout.Find("[data-testid=dark-mode-toggle]").HasAttribute("disabled"));
    }

    [Fact]
    public void the_theme_uses_system_fonts_so_no_web_font_is_fetched()
    {
        var typography = PortalTheme.Create().Typography;

        BaseTypography[] styles = [typography.Default, typography.H1, typography.Body1, typography.Button, typography.Overline];
        Assert.All(styles, style => Assert.Equal("system-ui", style.FontFamily![0]));
    }
}
