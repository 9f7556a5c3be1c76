using System.Globalization;
using Gateway.Api.Audit;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Cli;

/// <summary>
/// <c>prices export [--version V]</c> prints the active sheet (or a published one) in LiteLLM's cost-map format;
/// <c>prices import FILE</c> publishes a new one (the export, or LiteLLM's model_prices_and_context_window.json),
/// which gateways charge by from their next start-up; <c>prices history</c> lists the published sheets.
/// </summary>
public static class PricesVerb
{
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CliContext cli, CancellationToken ct)
    {
        if (arguments.Count == 0)
            throw CliFailure.Usage("prices needs an action: export, import FILE or history.");
        return arguments[0] switch
        {
            "export" => await ExportAsync(CliArguments.Parse(arguments.Skip(1), ["version", "config"]), cli, ct),
            "import" => await ImportAsync(CliArguments.Parse(arguments.Skip(1), ["config"]), cli, ct),
            "history" => await HistoryAsync(CliArguments.Parse(arguments.Skip(1), ["config"]), cli, ct),
            _ => throw CliFailure.Usage($"unknown prices action '{arguments[0]}': use export, import FILE or history."),
        };
    }

    static async Task<int> ExportAsync(CliArguments args, CliContext cli, CancellationToken ct)
    {
        NoPositional(args, "export");
        await using var database = await cli.OpenDatabaseAsync(args.Option("config"), ct);
        PriceSheet sheet;
        if (args.Option("version") is { } version)
        {
            await using var session = database.Store.QuerySession();
            var published = await PriceSheetHistory.PublishedAsync(session, version, ct)
                ?? throw new CliFailure(ExitCodes.NotFound, $"no price sheet {version} was ever published; `gateway prices history` lists them.");
            sheet = PriceSheet.From(published.Models);
            if (sheet.Version != version)
                await cli.Error.WriteLineAsync($"warning: the stored content of sheet {version} hashes to {sheet.Version}.");
        }
        else
        {
            sheet = (await ActivePrices.LoadAsync(database.Settings, database.Store, ct)).Sheet;
        }
        await cli.Output.WriteLineAsync(sheet.ToLiteLlmJson());
        await cli.Error.WriteLineAsync($"note: price sheet {sheet.Version}, {sheet.Models.Count} models.");
        return ExitCodes.Ok;
    }

    static async Task<int> ImportAsync(CliArguments args, CliContext cli, CancellationToken ct)
    {
        if (args.Positional.Count != 1)
            throw CliFailure.Usage("prices import takes one FILE.");
        var path = args.Positional[0];
        var file = await PriceFiles.ReadAsync(path, ct);

        await using var database = await cli.OpenDatabaseAsync(args.Option("config"), ct);
        var now = TimeProvider.System.GetUtcNow();
        var by = $"{Environment.UserName} on {Environment.MachineName} (prices import)";
        var imported = new PriceSheetImported(file.Version, file.Models, Path.GetFileName(path), now, by);
        var active = ActivePriceSheet.Compose(PriceSheet.Builtin, imported, database.Settings.PriceFile, database.Settings.PriceFilePath);
        var published = await PriceSheetPublisher.PublishAsync(database.Store, active, by, now, ct, imported);

        await cli.Output.WriteLineAsync(
            $"imported {file.Models.Count} model prices from {path} (version {file.Version}); the active sheet is {active.Sheet.Version}"
            + (published is null ? " (unchanged)." : " (published)."));
        await cli.Output.WriteLineAsync("gateways charge by it from their next start-up.");
        if (database.Settings.PriceFilePath is { } configured)
            await cli.Error.WriteLineAsync($"note: the configured price file {configured} lies over the import: its models keep its prices.");
        return ExitCodes.Ok;
    }

    static async Task<int> HistoryAsync(CliArguments args, CliContext cli, CancellationToken ct)
    {
        NoPositional(args, "history");
        await using var database = await cli.OpenDatabaseAsync(args.Option("config"), ct);
        await using var session = database.Store.QuerySession();
        var any = false;
        await foreach (var published in PriceSheetHistory.AllPublishedAsync(session, ct))
        {
            any = true;
            await cli.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{published.At:yyyy-MM-ddTHH:mm:ssZ}  {published.Version}  {published.Models.Count,5} models  {published.Source}  by {published.By}"));
        }
        if (!any)
            await cli.Error.WriteLineAsync("note: no price sheet published yet; a gateway publishes its sheet when it starts.");
        return ExitCodes.Ok;
    }

    static void NoPositional(CliArguments args, string action)
    {
        if (args.Positional.Count > 0)
            throw CliFailure.Usage($"prices {action} takes no argument '{args.Positional[0]}'.");
    }
}
