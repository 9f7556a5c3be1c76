using Gateway.Api.Config;

namespace Gateway.Api.Tests.Config;

public sealed class ConfigFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("gateway-config-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void a_missing_file_is_reported_with_its_name()
    {
        var path = Path.Combine(folder, "nope.yaml");

        var error = Assert.Throws<ConfigException>(() => ConfigFileLoader.Load(path, NoEnvironment));

        Assert.Equal(path, error.File);
        Assert.Equal("", error.Field);
        Assert.Null(error.Line);
        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Fact]
    public void a_folder_is_not_a_config_file()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigFileLoader.Load(folder, NoEnvironment));

        Assert.Equal("", error.Field);
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("folder", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing configured yet\n\n")]
    [InlineData("---\n")]
    public void an_empty_file_gives_the_empty_config_with_its_path(string text)
    {
        var path = Write("config.yaml", text);

        var config = ConfigFileLoader.Load(path, NoEnvironment);

        Assert.Equal(path, config.SourcePath);
        Assert.Empty(config.ModelList);
        Assert.Equal(GatewayConfig.Empty with { SourcePath = path }, config);
    }

    [Fact]
    public void errors_in_a_file_name_the_file_as_given()
    {
        var path = Write("prod.yaml", "model_list:\n  - model_name: m\n    litellm_params: {model: m}\n");

        var error = Assert.Throws<ConfigException>(() => ConfigFileLoader.Load(path, NoEnvironment));

        Assert.StartsWith($"{path}:3: model_list[0].litellm_params.model: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_loaded_file_reads_the_environment_it_is_given_and_records_its_full_path()
    {
        var path = Write("config.yaml", "general_settings:\n  master_key: os.environ/GATEWAY_MASTER_KEY\n");

        var config = ConfigFileLoader.Load(path, name => name == "GATEWAY_MASTER_KEY" ? "sk-123" : null);

        Assert.Equal("sk-123", config.General.MasterKey);
        Assert.Equal(Path.GetFullPath(path), config.SourcePath);
    }

    [Fact]
    public void a_relative_price_sheet_is_found_next_to_the_config_file()
    {
        var path = Write("config.yaml", "general_settings:\n  price_sheet: prices/our_prices.json\n");

        var config = ConfigFileLoader.Load(path, NoEnvironment);

        Assert.Equal(Path.Combine(folder, "prices", "our_prices.json"), config.General.PriceSheet);
    }

    [Fact]
    public void an_absolute_price_sheet_is_kept()
    {
        var path = Write("config.yaml", "general_settings:\n  price_sheet: /etc/gateway/prices.json\n");

        Assert.Equal("/etc/gateway/prices.json", ConfigFileLoader.Load(path, NoEnvironment).General.PriceSheet);
    }

    [Fact]
    public void parsing_text_keeps_the_price_sheet_as_written()
    {
        var config = ConfigText.Parse("general_settings:\n  price_sheet: prices.json\n  max_response_size_mb: 64\n");

        Assert.Equal("prices.json", config.General.PriceSheet);
        Assert.Equal(64.0, config.General.MaxResponseSizeMb);
    }

    private static string? NoEnvironment(string name) => null;

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
