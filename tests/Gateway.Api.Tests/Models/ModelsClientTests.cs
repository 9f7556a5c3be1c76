using Alba;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain;
using Gateway.Domain.Models;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Models;

/// <summary>
/// The portal's models client in the real gateway on PostgreSQL: an admin's model is served by the next API call and its
/// key is sealed like the API's; a team lead reads the list but is refused every change on the server.
/// </summary>
public sealed class ModelsClientTests(PostgresFixture postgres) : FreshGateway(postgres), IAsyncLifetime
{
    static readonly SignedInUser Admin = SignedInUser.Admin("admin");
    FakeOpenAI _upstream = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        _upstream = await FakeOpenAI.StartAsync();
        await InitializeAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        await _upstream.DisposeAsync();
    }

    async Task<T> WithClient<T>(Func<IModelsClient, Task<T>> use)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<IModelsClient>());
    }

    ModelSettings NewModel(string? apiKey = "sk-portal-secret-31") => new()
    {
        ModelName = "portal-gpt", Provider = "openai", UpstreamModel = "fake-model", ApiBase = _upstream.BaseUrl.ToString(), ApiKey = apiKey,
        InputCostPerMillion = 0.5m, OutputCostPerMillion = 1.5m,
    };

    async Task<SignedInUser> TeamLead()
    {
        await Host.AdminPost("/team/new", new { team_id = "search" });
        await Host.AdminPost("/user/new", new { user_id = "lena" });
        await Host.AdminPost("/team/member_add", new { team_id = "search", member = new { user_id = "lena", role = "admin" } });
        // The portal only counts users who set a password; as the invitation page would.
        await using var session = Host.Services.GetRequiredService<Marten.IDocumentStore>().LightweightSession();
        session.Events.Append(StreamIds.User("lena"), new Gateway.Domain.Users.PortalPasswordSet("lena", "hash", DateTimeOffset.UtcNow, "test"));
        await session.SaveChangesAsync();
        return SignedInUser.TeamLead("lena", ["search"]);
    }

    [Fact]
    public async Task a_model_an_admin_adds_in_the_portal_answers_the_next_api_call_with_its_sealed_key()
    {
        var added = await WithClient(c => c.AddAsync(Admin, NewModel(), TestContext.Current.CancellationToken));

        Assert.True(added.Succeeded, added.Refusal?.Message);
        Assert.Equal(("portal-gpt", ModelSource.Database, true), (added.Value!.ModelGroup, added.Value.Source, added.Value.HasCredential));
        Assert.Equal(0.0000005m, added.Value.InputCostPerToken);
        await (await Chat(GatewayTestHost.MasterKey, model: "portal-gpt")).Answer();
        Assert.Equal("Bearer sk-portal-secret-31", Assert.Single(_upstream.Requests).Headers["authorization"]);
        var stored = Assert.Single(await Host.Events<DeploymentAdded>());
        Assert.True(CredentialSeal.IsSealed(stored.LitellmParams["api_key"]));
        Assert.StartsWith("portal:", stored.By, StringComparison.Ordinal);
    }

    [Fact]
    public async Task editing_in_the_portal_keeps_the_key_when_the_field_is_left_empty_and_removes_cleared_fields()
    {
        var id = (await WithClient(c => c.AddAsync(Admin, NewModel(), TestContext.Current.CancellationToken))).Value!.Id;
        var settings = (await WithClient(c => c.SettingsAsync(Admin, id, TestContext.Current.CancellationToken))).Value!;
        Assert.Null(settings.ApiKey);
        Assert.True(settings.HasStoredKey);
        Assert.Equal(0.5m, settings.InputCostPerMillion);

        settings.InputCostPerMillion = null;
        settings.Rpm = 30;
        var saved = await WithClient(c => c.UpdateAsync(Admin, id, settings, TestContext.Current.CancellationToken));

        Assert.True(saved.Succeeded, saved.Refusal?.Message);
        var updated = Assert.Single(await Host.Events<DeploymentUpdated>());
        Assert.False(updated.LitellmParams!.ContainsKey("input_cost_per_token"));
        Assert.Equal(30, updated.LitellmParams["rpm"].GetInt32());
        await (await Chat(GatewayTestHost.MasterKey, model: "portal-gpt")).Answer();
        Assert.Equal("Bearer sk-portal-secret-31", _upstream.Requests.Last().Headers["authorization"]);
    }

    [Fact]
    public async Task removing_in_the_portal_stops_the_model_and_a_config_model_is_refused_as_read_only()
    {
        var id = (await WithClient(c => c.AddAsync(Admin, NewModel(), TestContext.Current.CancellationToken))).Value!.Id;

        Assert.True((await WithClient(c => c.RemoveAsync(Admin, id, TestContext.Current.CancellationToken))).Succeeded);

        Assert.Equal(400, (await Chat(GatewayTestHost.MasterKey, model: "portal-gpt")).Context.Response.StatusCode);
        var mockId = (await WithClient(c => c.ListAsync(Admin, new ModelListQuery(0, 25), TestContext.Current.CancellationToken))).Value!.Rows
            .First(r => r.ModelGroup == "mock-gpt").Id;
        var refused = await WithClient(c => c.RemoveAsync(Admin, mockId, TestContext.Current.CancellationToken));
        Assert.Contains("read-only", refused.Refusal!.Message);
    }

    [Fact]
    public async Task a_team_lead_lists_the_models_but_every_change_is_refused_on_the_server()
    {
        var id = (await WithClient(c => c.AddAsync(Admin, NewModel(), TestContext.Current.CancellationToken))).Value!.Id;
        var lead = await TeamLead();
        var ct = TestContext.Current.CancellationToken;

        var listed = await WithClient(c => c.ListAsync(lead, new ModelListQuery(0, 25), ct));
        Assert.Contains(listed.Value!.Rows, r => r.ModelGroup == "portal-gpt");
        Assert.Equal(RejectionKind.Forbidden, (await WithClient(c => c.AddAsync(lead, NewModel(), ct))).Refusal!.Kind);
        Assert.Equal(RejectionKind.Forbidden, (await WithClient(c => c.UpdateAsync(lead, id, NewModel(), ct))).Refusal!.Kind);
        Assert.Equal(RejectionKind.Forbidden, (await WithClient(c => c.RemoveAsync(lead, id, ct))).Refusal!.Kind);
        Assert.Equal(RejectionKind.Forbidden, (await WithClient(c => c.SettingsAsync(lead, id, ct))).Refusal!.Kind);
        Assert.Equal(RejectionKind.Forbidden, (await WithClient(c => c.CheckHealthAsync(lead, ct))).Refusal!.Kind);
        Assert.Single(await Host.Events<DeploymentAdded>());
        Assert.Empty(await Host.Events<DeploymentUpdated>());
        Assert.Empty(await Host.Events<DeploymentRemoved>());
    }

    [Fact]
    public async Task a_user_who_may_no_longer_use_the_portal_gets_no_list()
    {
        var gone = SignedInUser.TeamLead("nobody", ["search"]);

        var listed = await WithClient(c => c.ListAsync(gone, new ModelListQuery(0, 25), TestContext.Current.CancellationToken));

        Assert.Equal(RejectionKind.Forbidden, listed.Refusal!.Kind);
    }

    [Fact]
    public async Task the_list_shows_a_cooldown_and_a_health_check_from_the_router()
    {
        var id = (await WithClient(c => c.AddAsync(Admin, NewModel(), TestContext.Current.CancellationToken))).Value!.Id;
        await Host.AdminPost("/model/update", new { model_info = new { id }, litellm_params = new { model = "openai/rate-limited" } });

        await Chat(GatewayTestHost.MasterKey, model: "portal-gpt"); // a 429 cools the deployment at once
        await WithClient(c => c.CheckHealthAsync(Admin, TestContext.Current.CancellationToken));

        var row = (await WithClient(c => c.ListAsync(Admin, new ModelListQuery(0, 25, "portal"), TestContext.Current.CancellationToken))).Value!.Rows.Single();
        Assert.NotNull(row.CoolingUntil);
        Assert.True(row.CoolingUntil > DateTimeOffset.UtcNow);
        Assert.False(row.Healthy);
        Assert.Contains("Rate limit", row.HealthError);
        var mock = (await WithClient(c => c.ListAsync(Admin, new ModelListQuery(0, 25, "mock-gpt"), TestContext.Current.CancellationToken))).Value!.Rows.Single();
        Assert.True(mock.Healthy);
        Assert.Null(mock.CoolingUntil);
    }
}
