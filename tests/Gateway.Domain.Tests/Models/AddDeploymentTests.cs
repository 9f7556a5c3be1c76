using System.Text.Json;
using Gateway.Domain.Models;
using Gateway.Domain.Tests.Teams;
using static Gateway.Domain.Tests.Models.DeploymentExamples;

namespace Gateway.Domain.Tests.Models;

public class AddDeploymentTests
{
    static Decision Decide(AddDeployment command, StoredDeployment? existing = null, DeploymentRules? rules = null) =>
        AddDeployment.Decide(command, existing, rules ?? Rules(), Admin, Now);

    [Fact]
    public void a_model_is_added_with_its_params_and_info_but_not_the_id_inside_model_info()
    {
        var added = DecisionAssert.SingleEvent<DeploymentAdded>(Decide(
            new AddDeployment("db-1", "gpt-4o", OpenAIParams(), Map(new { id = "db-1", db_model = true, mode = "chat", base_model = "openai/gpt-4o" }))));

        Assert.Equal("db-1", added.DeploymentId);
        Assert.Equal("gpt-4o", added.ModelName);
        Assert.Equal(["api_base", "model", "rpm"], added.LitellmParams.Keys.Order());
        Assert.Equal(["base_model", "mode"], added.ModelInfo.Keys.Order());
        Assert.Equal((Now, Admin), (added.At, added.By));
    }

    [Fact]
    public void a_model_without_litellm_params_model_is_refused()
    {
        DecisionAssert.Refused(Decide(new AddDeployment("db-1", "gpt-4o", Map(new { api_base = "http://x" }))), RejectionKind.Invalid, "litellm_params.model");
        DecisionAssert.Refused(Decide(new AddDeployment("db-1", "gpt-4o", Map(new { model = "gpt-4o" }))), RejectionKind.Invalid, "litellm_params.model");
        DecisionAssert.Refused(Decide(new AddDeployment("db-1", "gpt-4o", Map(new { model = 4 }))), RejectionKind.Invalid, "litellm_params.model");
    }

    [Fact]
    public void an_unknown_provider_prefix_is_refused_naming_the_supported_ones()
    {
        var decision = Decide(new AddDeployment("db-1", "gpt-4o", Map(new { model = "openia/gpt-4o" })));

        DecisionAssert.Refused(decision, RejectionKind.Invalid, "litellm_params.model");
        Assert.Contains("Unknown provider 'openia'", decision.Rejection!.Message);
        Assert.Contains("openai, anthropic, mock", decision.Rejection.Message);
    }

    [Fact]
    public void provider_prefixes_are_matched_without_regard_to_case()
    {
        DecisionAssert.SingleEvent<DeploymentAdded>(Decide(new AddDeployment("db-1", "gpt-4o", Map(new { model = "OpenAI/gpt-4o" }))));
    }

    [Theory]
    [InlineData("", "gpt-4o", "model_info.id")]
    [InlineData(" padded ", "gpt-4o", "model_info.id")]
    [InlineData("db-1", "", "model_name")]
    [InlineData("db-1", "bad\nname", "model_name")]
    public void blank_or_unreadable_names_are_refused(string id, string modelName, string field)
    {
        DecisionAssert.Refused(Decide(new AddDeployment(id, modelName, OpenAIParams())), RejectionKind.Invalid, field);
    }

    [Fact]
    public void an_id_used_by_config_yaml_is_a_conflict()
    {
        DecisionAssert.Refused(Decide(new AddDeployment(ConfigId, "gpt-4o", OpenAIParams())), RejectionKind.Conflict, "model_info.id");
    }

    [Fact]
    public void an_id_already_used_is_a_conflict_even_after_removal()
    {
        DecisionAssert.Refused(Decide(new AddDeployment("db-1", "gpt-4o", OpenAIParams()), Stored()), RejectionKind.Conflict, "model_info.id");
        var removed = Decide(new AddDeployment("db-1", "gpt-4o", OpenAIParams()), Removed());
        DecisionAssert.Refused(removed, RejectionKind.Conflict, "model_info.id");
        Assert.Contains("not reused", removed.Rejection!.Message);
    }

    [Fact]
    public void a_clear_text_credential_is_never_let_into_an_event()
    {
        var litellmParams = Map(new { model = "openai/gpt-4o", api_key = "sk-upstream-secret" });

        DecisionAssert.Refused(Decide(new AddDeployment("db-1", "gpt-4o", litellmParams)), RejectionKind.Invalid, "litellm_params.api_key");
    }

    [Fact]
    public void sealed_credentials_and_environment_references_are_accepted()
    {
        var litellmParams = Seal.SealCredentials(
            Map(new { model = "openai/gpt-4o", api_key = "sk-upstream-secret", aws_secret_access_key = "os.environ/AWS_SECRET" }), "db-1");

        var added = DecisionAssert.SingleEvent<DeploymentAdded>(Decide(new AddDeployment("db-1", "gpt-4o", litellmParams)));

        Assert.StartsWith(CredentialSeal.Prefix, added.LitellmParams["api_key"].GetString());
        Assert.Equal("os.environ/AWS_SECRET", added.LitellmParams["aws_secret_access_key"].GetString());
        Assert.DoesNotContain("sk-upstream-secret", JsonSerializer.Serialize(added));
    }

    [Fact]
    public void a_model_the_gateway_could_not_serve_is_refused_with_the_gateways_reason()
    {
        var rules = Rules(candidate => new Rejection(RejectionKind.Invalid, $"{candidate.ModelName}: api_base is not a URL", "litellm_params.api_base"));

        var decision = Decide(new AddDeployment("db-1", "gpt-4o", OpenAIParams("not a url")), rules: rules);

        DecisionAssert.Refused(decision, RejectionKind.Invalid, "litellm_params.api_base");
        Assert.Equal("gpt-4o: api_base is not a URL", decision.Rejection!.Message);
    }
}
