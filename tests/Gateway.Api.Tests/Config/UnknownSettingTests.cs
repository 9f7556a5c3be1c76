namespace Gateway.Api.Tests.Config;

public sealed class UnknownSettingTests
{
    [Fact]
    public void a_misspelt_top_level_key_is_a_warning_with_a_suggestion()
    {
        var config = ConfigText.Parse("""
            model_lsit:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o}
            general_settings: {master_key: sk-1}
            """);

        Assert.Empty(config.ModelList);
        Assert.Equal("sk-1", config.General.MasterKey);
        Assert.Equal(["config.yaml:1: model_lsit: unknown setting, ignored; did you mean model_list?"], config.Warnings);
    }

    [Fact]
    public void an_unrelated_top_level_key_is_a_warning_without_a_suggestion()
    {
        var config = ConfigText.Parse("model_list: []\nteam_colours: {a: red}\n");

        Assert.Equal(["config.yaml:2: team_colours: unknown setting, ignored"], config.Warnings);
    }

    [Fact]
    public void a_litellm_section_this_gateway_does_not_support_is_named_as_such()
    {
        var config = ConfigText.Parse("include:\n  - more_models.yaml\n");

        Assert.Equal(["config.yaml:1: include: a LiteLLM setting this gateway does not support; ignored"], config.Warnings);
    }

    [Fact]
    public void an_unknown_key_in_a_model_list_entry_is_a_warning_with_a_suggestion()
    {
        var config = ConfigText.Parse("""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o}
                model_inf: {id: a}
            """);

        Assert.Null(config.ModelList[0].Info.Id);
        Assert.Equal(["config.yaml:4: model_list[0].model_inf: unknown key, ignored; did you mean model_info?"], config.Warnings);
    }

    [Fact]
    public void unknown_keys_inside_settings_sections_are_kept_without_warning()
    {
        var config = ConfigText.Parse("""
            router_settings: {redis_port: 6379}
            litellm_settings: {success_callback: [langfuse]}
            general_settings: {store_model_in_db: true}
            """);

        Assert.Equal(6379L, config.Router.Extra["redis_port"]);
        Assert.Equal(["langfuse"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(config.Litellm.Extra["success_callback"]));
        Assert.Equal(true, config.General.Extra["store_model_in_db"]);
        Assert.Empty(config.Warnings);
    }
}
