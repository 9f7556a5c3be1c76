using System.Text.Json;
using Gateway.Domain.Models;
using static Gateway.Domain.Tests.Models.DeploymentExamples;

namespace Gateway.Domain.Tests.Models;

public class CredentialSealTests
{
    [Theory]
    [InlineData("api_key", true)]
    [InlineData("aws_secret_access_key", true)]
    [InlineData("aws_access_key_id", true)]
    [InlineData("aws_session_token", true)]
    [InlineData("vertex_credentials", true)]
    [InlineData("azure_ad_token", true)]
    [InlineData("client_secret", true)]
    [InlineData("my_vendor_password", true)]
    [InlineData("extra_headers", true)]
    [InlineData("input_cost_per_token", false)]
    [InlineData("output_cost_per_reasoning_token", false)]
    [InlineData("max_tokens", false)]
    [InlineData("api_base", false)]
    [InlineData("model", false)]
    public void credential_fields_are_known_by_name(string field, bool credential)
    {
        Assert.Equal(credential, CredentialFields.IsCredential(field));
    }

    [Fact]
    public void a_sealed_value_opens_to_what_was_sealed_and_shows_nothing_of_it()
    {
        var secret = JsonSerializer.SerializeToElement("sk-upstream-secret");

        var sealedValue = Seal.Seal(secret, "db-1", "api_key");

        Assert.StartsWith(CredentialSeal.Prefix, sealedValue.GetString());
        Assert.DoesNotContain("upstream-secret", sealedValue.GetString());
        Assert.True(Seal.TryOpen(sealedValue, "db-1", "api_key", out var opened));
        Assert.Equal("sk-upstream-secret", opened.GetString());
    }

    [Fact]
    public void sealing_the_same_value_twice_gives_different_text()
    {
        var secret = JsonSerializer.SerializeToElement("sk-upstream-secret");

        Assert.NotEqual(Seal.Seal(secret, "db-1", "api_key").GetString(), Seal.Seal(secret, "db-1", "api_key").GetString());
    }

    [Fact]
    public void an_object_credential_such_as_vertex_credentials_opens_as_the_same_object()
    {
        var credentials = JsonSerializer.SerializeToElement(new { type = "service_account", private_key = "-----BEGIN KEY-----" });

        Assert.True(Seal.TryOpen(Seal.Seal(credentials, "db-1", "vertex_credentials"), "db-1", "vertex_credentials", out var opened));
        Assert.True(JsonElement.DeepEquals(credentials, opened));
    }

    [Fact]
    public void another_salt_key_another_deployment_or_another_field_cannot_open_it()
    {
        var sealedValue = Seal.Seal(JsonSerializer.SerializeToElement("sk-upstream-secret"), "db-1", "api_key");

        Assert.False(new CredentialSeal("another-salt-key").TryOpen(sealedValue, "db-1", "api_key", out _));
        Assert.False(Seal.TryOpen(sealedValue, "db-2", "api_key", out _));
        Assert.False(Seal.TryOpen(sealedValue, "db-1", "client_secret", out _));
    }

    [Fact]
    public void sealing_params_seals_credentials_only_and_keeps_references_as_written()
    {
        var sealedParams = Seal.SealCredentials(Map(new
        {
            model = "openai/gpt-4o", api_key = "sk-1", client_secret = "os.environ/CLIENT_SECRET", input_cost_per_token = 0.000001, rpm = 5,
        }), "db-1");

        Assert.True(CredentialSeal.IsSealed(sealedParams["api_key"]));
        Assert.Equal("os.environ/CLIENT_SECRET", sealedParams["client_secret"].GetString());
        Assert.Equal(0.000001m, sealedParams["input_cost_per_token"].GetDecimal());
        Assert.Equal("openai/gpt-4o", sealedParams["model"].GetString());

        var (opened, failed) = Seal.OpenCredentials(sealedParams, "db-1");
        Assert.Null(failed);
        Assert.Equal("sk-1", opened!["api_key"].GetString());
    }

    [Fact]
    public void opening_params_sealed_under_another_key_names_the_field_that_would_not_open()
    {
        var sealedParams = Seal.SealCredentials(Map(new { model = "openai/gpt-4o", api_key = "sk-1" }), "db-1");

        var (opened, failed) = new CredentialSeal("another-salt-key").OpenCredentials(sealedParams, "db-1");

        Assert.Null(opened);
        Assert.Equal("api_key", failed);
    }

    [Fact]
    public void the_params_shown_to_people_have_no_credential_field_at_all()
    {
        var shown = CredentialFields.Without(Seal.SealCredentials(Map(new { model = "openai/gpt-4o", api_key = "sk-1", aws_session_token = "os.environ/T" }), "db-1"));

        Assert.Equal(["model"], shown.Keys);
    }
}
