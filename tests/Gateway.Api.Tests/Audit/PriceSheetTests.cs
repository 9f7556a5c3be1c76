using Alba;
using Gateway.Api.Cli;
using Gateway.Api.Routing;
using Gateway.Api.Tests.Infrastructure;
using Gateway.Domain.Pricing;
using Gateway.Domain.Spend;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Api.Tests.Audit;

/// <summary>Price sheets as facts: published when a gateway starts charging by another one; exported and imported by the CLI.</summary>
public sealed class PriceSheetTests(PostgresFixture postgres)
{
    static readonly ModelPrice Mock = PriceSheet.Builtin.Find("mock-gpt")!;

    static readonly ModelPrice MockDoubled = Mock with
    {
        InputCostPerToken = Mock.InputCostPerToken * 2,
        OutputCostPerToken = Mock.OutputCostPerToken * 2,
        CacheReadInputTokenCost = Mock.CacheReadInputTokenCost * 2,
    };

    static async Task<string> File(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"prices-{Guid.NewGuid():N}.json");
        await System.IO.File.WriteAllTextAsync(path, json, TestContext.Current.CancellationToken);
        return path;
    }

    async Task<(IAlbaHost Host, Dictionary<string, string?> Database)> Gateway(Dictionary<string, string?>? database = null)
    {
        database ??= new Dictionary<string, string?> { ["DATABASE_URL"] = await postgres.CreateDatabaseAsync() };
        return (await GatewayTestHost.StartAsync(postgres, settings: database), database);
    }

    [Fact]
    public async Task a_gateway_publishes_the_sheet_it_charges_by_and_only_when_it_changes()
    {
        var (first, database) = await Gateway();
        var published = await first.Events<PriceSheetPublished>();
        var charged = first.Services.GetRequiredService<DeploymentCatalog>().Current.PriceSheetVersion;
        Assert.Equal(PriceSheet.Builtin.Version, Assert.Single(published).Version);
        Assert.Equal(charged, published[0].Version);
        Assert.Equal(PriceSheet.Builtin.Version, PriceSheet.From(published[0].Models).Version);
        Assert.Equal(ActivePriceSheet.BuiltinSource, published[0].Source);
        await first.Chat(GatewayTestHost.MasterKey);
        Assert.Equal(charged, Assert.Single(await first.Events<RequestCompleted>()).PriceSheetVersion);
        await first.DisposeAsync();

        await using (var again = await GatewayTestHost.StartAsync(postgres, settings: database))
            Assert.Single(await again.Events<PriceSheetPublished>());

        var file = await File(PriceSheet.From([new("mock-gpt", MockDoubled)]).ToLiteLlmJson());
        await using var configured = await GatewayTestHost.StartAsync(postgres, settings: new Dictionary<string, string?>(database) { ["GATEWAY_PRICE_SHEET"] = file });
        var both = await configured.Events<PriceSheetPublished>();
        Assert.Equal(2, both.Count);
        Assert.Equal(configured.Services.GetRequiredService<DeploymentCatalog>().Current.PriceSheetVersion, both[^1].Version);
        Assert.EndsWith(file, both[^1].Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_imported_sheet_is_published_and_charged_from_the_next_start_up()
    {
        var (before, database) = await Gateway();
        var cost = (await before.Chat(GatewayTestHost.MasterKey)).ResponseCost();
        var file = await File(PriceSheet.From([new("mock-gpt", MockDoubled)]).ToLiteLlmJson());

        var imported = await CliRunner.Run(database, "prices", "import", file);

        Assert.True(imported.ExitCode == ExitCodes.Ok, imported.ToString());
        Assert.Contains("imported 1 model prices", imported.Output, StringComparison.Ordinal);
        var import = Assert.Single(await before.Events<PriceSheetImported>());
        Assert.Equal(Path.GetFileName(file), import.File);
        var published = await before.Events<PriceSheetPublished>();
        Assert.Equal(2, published.Count);
        var active = PriceSheet.Builtin.MergedWith(PriceSheet.From(import.Models));
        Assert.Equal(active.Version, published[^1].Version);
        // A running gateway keeps its sheet until it restarts: every call records what it was charged by.
        Assert.Equal(cost, (await before.Chat(GatewayTestHost.MasterKey)).ResponseCost());
        await before.DisposeAsync();

        await using var after = await GatewayTestHost.StartAsync(postgres, settings: database);
        Assert.Equal(2 * cost, (await after.Chat(GatewayTestHost.MasterKey)).ResponseCost());
        Assert.Equal(active.Version, (await after.Events<RequestCompleted>())[^1].PriceSheetVersion);
        Assert.Equal(2, (await after.Events<PriceSheetPublished>()).Count);

        var exported = await CliRunner.Run(database, "prices", "export");
        var sheet = PriceSheet.Parse(exported.Output);
        Assert.Equal(active.Version, sheet.Version);
        Assert.Equal(MockDoubled.InputCostPerToken, sheet.Find("mock-gpt")!.InputCostPerToken);
        var builtin = await CliRunner.Run(database, "prices", "export", "--version", PriceSheet.Builtin.Version);
        Assert.Equal(PriceSheet.Builtin.Version, PriceSheet.Parse(builtin.Output).Version);
        var history = await CliRunner.Run(database, "prices", "history");
        Assert.Equal(2, history.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(active.Version, history.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task litellms_own_cost_map_imports_with_its_documentation_entry_and_extra_fields()
    {
        var (host, database) = await Gateway();
        await using var _ = host;
        // The shape of LiteLLM's model_prices_and_context_window.json: a sample_spec entry and many unpriced fields.
        var file = await File("""
            {
                "sample_spec": {
                    "max_tokens": "LEGACY parameter. set to max_output_tokens if provider specifies it.",
                    "input_cost_per_token": 0.0000,
                    "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
                    "mode": "one of: chat, embedding, completion, image_generation, audio_transcription, audio_speech",
                    "supports_function_calling": true
                },
                "gpt-4o": {
                    "max_tokens": 16384, "max_input_tokens": 128000, "max_output_tokens": 16384,
                    "input_cost_per_token": 0.0000025, "output_cost_per_token": 0.00001,
                    "input_cost_per_token_batches": 0.00000125, "cache_read_input_token_cost": 0.00000125,
                    "litellm_provider": "openai", "mode": "chat",
                    "supports_function_calling": true, "supports_vision": true, "supports_prompt_caching": true
                },
                "text-embedding-3-small": {
                    "max_tokens": 8191, "max_input_tokens": 8191, "output_vector_size": 1536,
                    "input_cost_per_token": 0.00000002, "output_cost_per_token": 0.000000,
                    "litellm_provider": "openai", "mode": "embedding"
                }
            }
            """);

        var result = await CliRunner.Run(database, "prices", "import", file);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var import = Assert.Single(await host.Events<PriceSheetImported>());
        Assert.Equal(["gpt-4o", "text-embedding-3-small"], import.Models.Keys.Order().ToArray());
        Assert.Equal(0.00000125m, import.Models["gpt-4o"].CacheReadInputTokenCost);
    }

    [Fact]
    public async Task an_unreadable_empty_or_malformed_price_file_is_refused_and_nothing_is_published()
    {
        var (host, database) = await Gateway();
        await using var _ = host;

        var missing = await CliRunner.Run(database, "prices", "import", "/nonexistent/prices.json");
        var empty = await CliRunner.Run(database, "prices", "import", await File("{}"));
        var malformed = await CliRunner.Run(database, "prices", "import", await File("{\"gpt-4o\": {"));
        var none = await CliRunner.Run(database, "prices", "import");

        Assert.Equal(ExitCodes.PriceFile, missing.ExitCode);
        Assert.Equal(ExitCodes.PriceFile, empty.ExitCode);
        Assert.Contains("prices no model", empty.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.PriceFile, malformed.ExitCode);
        Assert.Contains("not valid JSON", malformed.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, none.ExitCode);
        Assert.Empty(await host.Events<PriceSheetImported>());
        Assert.Single(await host.Events<PriceSheetPublished>());
    }

    [Fact]
    public async Task exporting_a_version_never_published_is_an_error()
    {
        var (host, database) = await Gateway();
        await using var _ = host;

        var result = await CliRunner.Run(database, "prices", "export", "--version", "0000000000000000");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("no price sheet 0000000000000000 was ever published", result.Error, StringComparison.Ordinal);
    }
}
