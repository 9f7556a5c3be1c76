using System.Text.Json;
using Gateway.Domain.Models;
using Gateway.Domain.Tests.Teams;
using static Gateway.Domain.Tests.Models.DeploymentExamples;

namespace Gateway.Domain.Tests.Models;

public class ChangeDeploymentTests
{
    static Decision Update(UpdateDeployment command, StoredDeployment? stored, DeploymentRules? rules = null) =>
        UpdateDeployment.Decide(command, stored, rules ?? Rules(), Admin, Now);

    [Fact]
    public void a_params_patch_replaces_adds_and_removes_keys_and_records_the_whole_new_set()
    {
        var updated = DecisionAssert.SingleEvent<DeploymentUpdated>(Update(
            new UpdateDeployment("db-1", LitellmParams: Map(new { api_base = "http://moved:9000/v1", tpm = 1000, rpm = (int?)null })), Stored()));

        Assert.Null(updated.ModelName);
        Assert.Null(updated.ModelInfo);
        Assert.Equal(["api_base", "model", "tpm"], updated.LitellmParams!.Keys.Order());
        Assert.Equal("http://moved:9000/v1", updated.LitellmParams["api_base"].GetString());
        Assert.Equal("openai/gpt-4o", Stored().Apply(updated).Model);
    }

    [Fact]
    public void a_credential_left_out_of_the_patch_stays_as_stored()
    {
        var stored = Stored(litellmParams: Seal.SealCredentials(Map(new { model = "openai/gpt-4o", api_key = "sk-old" }), "db-1"));

        var updated = DecisionAssert.SingleEvent<DeploymentUpdated>(Update(new UpdateDeployment("db-1", LitellmParams: Map(new { rpm = 5 })), stored));

        Assert.Equal(stored.LitellmParams["api_key"].GetString(), updated.LitellmParams!["api_key"].GetString());
    }

    [Fact]
    public void a_new_clear_text_credential_in_a_patch_is_refused()
    {
        DecisionAssert.Refused(Update(new UpdateDeployment("db-1", LitellmParams: Map(new { api_key = "sk-new" })), Stored()),
            RejectionKind.Invalid, "litellm_params.api_key");
    }

    [Fact]
    public void the_model_itself_cannot_be_removed_nor_moved_to_an_unknown_provider()
    {
        DecisionAssert.Refused(Update(new UpdateDeployment("db-1", LitellmParams: Map(new { model = (string?)null })), Stored()),
            RejectionKind.Invalid, "litellm_params.model");
        DecisionAssert.Refused(Update(new UpdateDeployment("db-1", LitellmParams: Map(new { model = "nowhere/gpt" })), Stored()),
            RejectionKind.Invalid, "litellm_params.model");
    }

    [Fact]
    public void renaming_and_changing_model_info_record_only_what_changed()
    {
        var updated = DecisionAssert.SingleEvent<DeploymentUpdated>(Update(
            new UpdateDeployment("db-1", ModelName: "gpt-4o-eu", ModelInfo: Map(new { id = "ignored", base_model = "azure/gpt-4o" })), Stored()));

        Assert.Equal("gpt-4o-eu", updated.ModelName);
        Assert.Null(updated.LitellmParams);
        Assert.Equal(["base_model", "mode"], updated.ModelInfo!.Keys.Order());
    }

    [Fact]
    public void an_update_that_changes_nothing_records_nothing()
    {
        DecisionAssert.NoEvents(Update(new UpdateDeployment("db-1", ModelName: "gpt-4o", LitellmParams: Map(new { rpm = 60 })), Stored()));
    }

    [Fact]
    public void a_config_yaml_deployment_is_read_only_and_says_so()
    {
        var decision = Update(new UpdateDeployment(ConfigId, ModelName: "renamed"), null);

        DecisionAssert.Refused(decision, RejectionKind.Invalid, "model_info.id");
        Assert.Contains("comes from config.yaml and is read-only", decision.Rejection!.Message);
    }

    [Fact]
    public void an_unknown_or_removed_deployment_is_not_found()
    {
        DecisionAssert.Refused(Update(new UpdateDeployment("nope", ModelName: "x"), null), RejectionKind.NotFound, "model_info.id");
        DecisionAssert.Refused(Update(new UpdateDeployment("db-1", ModelName: "x"), Removed()), RejectionKind.NotFound, "model_info.id");
    }

    [Fact]
    public void the_gateway_is_asked_about_the_deployment_as_it_would_be_after_the_change()
    {
        StoredDeployment? asked = null;
        var rules = Rules(candidate => { asked = candidate; return null; });

        Update(new UpdateDeployment("db-1", LitellmParams: Map(new { api_base = "http://moved/v1" })), Stored(), rules);

        Assert.Equal("http://moved/v1", asked!.LitellmParams["api_base"].GetString());
    }

    [Fact]
    public void removing_marks_the_deployment_removed()
    {
        var removed = DecisionAssert.SingleEvent<DeploymentRemoved>(RemoveDeployment.Decide(new RemoveDeployment("db-1"), Stored(), Rules(), Admin, Now));

        Assert.True(Stored().Apply(removed).Removed);
    }

    [Fact]
    public void removing_a_config_yaml_deployment_is_refused_and_an_unknown_one_is_not_found()
    {
        DecisionAssert.Refused(RemoveDeployment.Decide(new RemoveDeployment(ConfigId), null, Rules(), Admin, Now), RejectionKind.Invalid, "model_info.id");
        DecisionAssert.Refused(RemoveDeployment.Decide(new RemoveDeployment("db-1"), Removed(), Rules(), Admin, Now), RejectionKind.NotFound, "model_info.id");
    }
}
