using Bunit;
using Gateway.Domain;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Models;
using Gateway.Portal.Tests.Fakes;
using MudBlazor;

namespace Gateway.Portal.Tests.Features.Models;

public sealed class ModelsPageTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private IRenderedComponent<ModelsPage> RenderPage(SignedInUser user)
    {
        SignInAs(user);
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        return Render<ModelsPage>(parameters => parameters.AddCascadingValue(user));
    }

    private static List<string> Names(IRenderedComponent<ModelsPage> page) =>
        [.. page.FindAll("[data-testid=model-name]").Select(n => n.TextContent.Trim())];

    private static List<string> Rows(IRenderedComponent<ModelsPage> page) =>
        [.. page.FindAll("[data-testid=models-grid] tbody tr").Select(r => r.TextContent)];

    [Fact]
    public void the_grid_lists_every_deployment_with_its_source_health_cooldown_and_prices()
    {
        var cooling = new DateTimeOffset(2026, 11, 1, 9, 30, 15, TimeSpan.Zero);
        Models.Rows.Add(FakeModelsClient.Config("gpt-4o") with { Healthy = true, CoolingUntil = cooling });
        Models.Rows.Add(FakeModelsClient.Database("llama") with { Problem = "its stored credential cannot be decrypted" });

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Equal(["gpt-4o", "llama"], Names(page)));
        var rows = Rows(page);
        Assert.Contains("config", rows[0]);
        Assert.Contains("https://api.openai.com/v1", rows[0]);
        Assert.Contains("Healthy", rows[0]);
        Assert.Contains("09:30:15 UTC", rows[0]);
        Assert.Contains("$2.50 in / $10.00 out", rows[0]);
        Assert.Contains("database", rows[1]);
        Assert.Contains("Not served", rows[1]);
        Assert.Contains("cannot be decrypted", rows[1]);
        Assert.Contains("not priced", rows[1]);
    }

    [Fact]
    public void an_admin_may_add_and_may_edit_or_remove_only_the_databases_models()
    {
        Models.Rows.Add(FakeModelsClient.Config("gpt-4o"));
        Models.Rows.Add(FakeModelsClient.Database("llama"));

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Equal(2, Names(page).Count));
        Assert.NotNull(page.Find("[data-testid=add-model]"));
        Assert.NotNull(page.Find("[data-testid=check-health]"));
        var actions = page.FindAll("[data-testid=models-grid] tbody tr").Select(r => r.QuerySelectorAll("[data-testid=model-edit]").Length).ToList();
        Assert.Equal([0, 1], actions);
    }

    [Fact]
    public void a_team_lead_reads_the_list_and_is_offered_no_change()
    {
        Models.Rows.Add(FakeModelsClient.Database("llama"));

        var page = RenderPage(LeadOfSearch);

        page.WaitForAssertion(() => Assert.Equal(["llama"], Names(page)));
        Assert.Empty(page.FindAll("[data-testid=add-model]"));
        Assert.Empty(page.FindAll("[data-testid=check-health]"));
        Assert.Empty(page.FindAll("[data-testid=model-actions]"));
        Assert.Contains("read-only", page.Find("[data-testid=models-note]").TextContent);
    }

    [Fact]
    public void adding_a_model_sends_the_dialogs_fields_and_shows_the_new_model()
    {
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-models]")));

        page.Find("[data-testid=add-model]").Click();
        _dialogs.Find("input[data-testid=model-name-field]").Change("runtime-gpt");
        _dialogs.Find("input[data-testid=model-upstream]").Change("gpt-4o-mini");
        _dialogs.Find("input[data-testid=model-api-base]").Change("http://127.0.0.1:8000/v1");
        _dialogs.Find("input[data-testid=model-api-key]").Change("sk-upstream-secret");
        _dialogs.Find("input[data-testid=model-input-cost]").Change("0.15");
        _dialogs.Find("[data-testid=model-submit]").Click();

        var sent = Assert.Single(Models.Added);
        Assert.Equal(("runtime-gpt", "openai", "gpt-4o-mini", "http://127.0.0.1:8000/v1", "sk-upstream-secret", 0.15m),
            (sent.ModelName, sent.Provider, sent.UpstreamModel, sent.ApiBase, sent.ApiKey, sent.InputCostPerMillion));
        page.WaitForAssertion(() => Assert.Equal(["runtime-gpt"], Names(page)));
        Assert.Empty(_dialogs.FindAll("[data-testid=model-dialog]"));
        Assert.DoesNotContain("sk-upstream-secret", page.Markup);
    }

    [Fact]
    public void the_api_key_is_a_password_field_and_editing_never_shows_the_stored_key()
    {
        Models.Rows.Add(FakeModelsClient.Database("llama"));
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.Single(Names(page)));

        page.Find("[data-testid=model-edit]").Click();

        var key = _dialogs.Find("input[data-testid=model-api-key]");
        Assert.Equal("password", key.GetAttribute("type"));
        Assert.True(string.IsNullOrEmpty(key.GetAttribute("value")));
        Assert.Contains("Leave empty to keep it", _dialogs.Markup);
        Assert.Equal("gpt-4o", _dialogs.Find("input[data-testid=model-upstream]").GetAttribute("value"));

        _dialogs.Find("input[data-testid=model-api-base]").Change("http://moved:9000/v1");
        _dialogs.Find("[data-testid=model-submit]").Click();

        var (id, settings) = Assert.Single(Models.Updated);
        Assert.Equal("db-llama", id);
        Assert.Equal("http://moved:9000/v1", settings.ApiBase);
        Assert.Null(settings.ApiKey);
    }

    [Fact]
    public void a_refusal_from_the_server_is_shown_in_the_dialog_which_stays_open()
    {
        Models.SaveRefusal = new Rejection(RejectionKind.Invalid, "Unknown provider 'openia'.", "litellm_params.model");
        var page = RenderPage(Admin);

        page.Find("[data-testid=add-model]").Click();
        _dialogs.Find("input[data-testid=model-name-field]").Change("m");
        _dialogs.Find("input[data-testid=model-upstream]").Change("x");
        _dialogs.Find("[data-testid=model-submit]").Click();

        Assert.Equal("Unknown provider 'openia'.", _dialogs.Find("[data-testid=model-problem]").TextContent.Trim());
        Assert.NotNull(_dialogs.Find("[data-testid=model-dialog]"));
    }

    [Fact]
    public void the_dialog_asks_for_a_name_and_an_upstream_model_before_sending()
    {
        var page = RenderPage(Admin);

        page.Find("[data-testid=add-model]").Click();
        _dialogs.Find("[data-testid=model-submit]").Click();

        Assert.Contains("Fill in the model name and the upstream model", _dialogs.Find("[data-testid=model-problem]").TextContent);
        Assert.Empty(Models.Added);
    }

    [Fact]
    public void removing_asks_first_and_a_cancel_removes_nothing()
    {
        Models.Rows.Add(FakeModelsClient.Database("llama"));
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.Single(Names(page)));

        page.Find("[data-testid=model-remove]").Click();
        Assert.Contains("stops being served at once", _dialogs.Markup);
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        Assert.Empty(Models.Removed);

        page.Find("[data-testid=model-remove]").Click();
        _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Remove").Click();

        page.WaitForAssertion(() => Assert.Equal(["db-llama"], Models.Removed));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-models]")));
    }

    [Fact]
    public void checking_health_asks_the_server_and_shows_the_results()
    {
        Models.Rows.Add(FakeModelsClient.Database("llama"));
        var page = RenderPage(Admin);
        page.WaitForAssertion(() => Assert.Contains("Not checked", page.Find("[data-testid=model-health]").TextContent));

        page.Find("[data-testid=check-health]").Click();

        page.WaitForAssertion(() => Assert.Contains("Healthy", page.Find("[data-testid=model-health]").TextContent));
        Assert.Equal(1, Models.HealthChecks);
    }

    [Fact]
    public void a_database_that_does_not_answer_is_said_plainly()
    {
        Models.ListFails = new InvalidOperationException("connection refused");

        var page = RenderPage(Admin);

        page.WaitForAssertion(() => Assert.Contains("could not be loaded", page.Find("[data-testid=models-problem]").TextContent));
        Assert.DoesNotContain("connection refused", page.Markup);
    }
}
