using System.Globalization;
using Gateway.Api.Audit;
using Gateway.Api.Config;
using Gateway.Api.Providers;
using Gateway.Domain.Audit;
using Gateway.Domain.Pricing;

namespace Gateway.Api.Cli;

/// <summary>
/// <c>audit --from YYYY-MM-DD --to YYYY-MM-DD [--prices FILE] [--team ID] [--key KEY-OR-ALIAS] [--format json|csv|table]</c>:
/// replays the calls of the period, recomputes their cost (with their recorded prices, or with FILE), compares with
/// the recorded cost and the daily spend projection. The report goes to standard output, notes to standard error;
/// the exit code is <see cref="ExitCodes.ProjectionsDisagree"/> when the projection and the events disagree.
/// </summary>
public static class AuditVerb
{
    static readonly string[] Options = ["from", "to", "prices", "team", "key", "format", "config"];

    public static async Task<int> RunAsync(IEnumerable<string> arguments, CliContext cli, CancellationToken ct)
    {
        var args = CliArguments.Parse(arguments, Options);
        if (args.Positional.Count > 0)
            throw CliFailure.Usage($"audit takes no argument '{args.Positional[0]}'.");
        var from = Day(args, "from");
        var to = Day(args, "to");
        if (to < from)
            throw CliFailure.Usage($"--to {Text(to)} is before --from {Text(from)}.");
        var format = args.Option("format") ?? "table";
        if (format is not ("json" or "csv" or "table"))
            throw CliFailure.Usage($"--format must be json, csv or table, not '{format}'.");
        // Read the file before touching the database: a typo should fail at once.
        PriceSheet? sheet = args.Option("prices") is { } pricesPath ? await PriceFiles.ReadAsync(pricesPath, ct) : null;

        await using var database = await cli.OpenDatabaseAsync(args.Option("config"), ct);
        var query = new AuditQuery(from, to);
        await using (var session = database.Store.QuerySession())
        {
            if (args.Option("team") is { } team)
            {
                if (!await AuditScopes.TeamKnownAsync(session, team, ct))
                    throw new CliFailure(ExitCodes.NotFound, $"no team '{team}': no such team_id on file and no call recorded under it.");
                query = query with { TeamId = team };
            }
            if (args.Option("key") is { } key)
            {
                var hashes = await AuditScopes.KeyHashesAsync(session, key, ct)
                    ?? throw new CliFailure(ExitCodes.NotFound, $"no key {Describe(key)}: not a key, key hash or key alias the gateway knows.");
                query = query with { KeyHashes = hashes };
            }
        }

        var audit = new CostAudit(database.Store, s => PricesOfDeployments(database.Settings, s));
        if (sheet is not null)
            query = query with { Prices = audit.RepricingWith(sheet) };

        var report = await audit.RunAsync(query, ct);
        await cli.Output.WriteAsync(format switch
        {
            "json" => AuditReportFormats.Json(report) + "\n",
            "csv" => AuditReportFormats.Csv(report),
            _ => AuditReportFormats.Table(report),
        });
        await WriteNotesAsync(cli.Error, report, args.Option("prices"));

        if (report.ProjectionsAgree)
            return ExitCodes.Ok;
        await WriteDisagreementAsync(cli.Error, report);
        return ExitCodes.ProjectionsDisagree;
    }

    static IReadOnlyDictionary<string, ModelPrice> PricesOfDeployments(Hosting.GatewaySettings settings, PriceSheet sheet)
    {
        try
        {
            using var clients = new UpstreamClients();
            var catalog = new ProviderCatalog(clients, settings.MaxResponseBytes, settings.Environment);
            return DeploymentPrices.For(settings.Config, sheet, catalog, settings.Environment);
        }
        catch (ConfigException ex)
        {
            throw CliFailure.Usage($"the model list cannot be priced: {ex.Message}");
        }
    }

    static async Task WriteNotesAsync(TextWriter error, AuditReport report, string? pricesPath)
    {
        if (report.RecordedPriceSheets.Count > 0)
            await error.WriteLineAsync($"note: the calls recorded price sheet(s) {string.Join(", ", report.RecordedPriceSheets)}.");
        if (pricesPath is not null)
        {
            await error.WriteLineAsync($"note: recomputed with {pricesPath} (sheet {report.PriceSheetVersion}).");
            if (report.KeptRecordedPrices > 0)
            {
                var models = report.ModelsNotInSheet.Count > 0 ? $" (models not in it: {string.Join(", ", report.ModelsNotInSheet)})" : "";
                await error.WriteLineAsync($"note: {report.KeptRecordedPrices} call(s) kept their recorded prices{models}.");
            }
        }
        if (report.NotYetProjected > 0)
        {
            await error.WriteLineAsync($"note: {report.NotYetProjected} call(s) of the period are not projected yet (the daemon is behind, "
                + "or no gateway is running); they count as projected from the events.");
        }
    }

    static async Task WriteDisagreementAsync(TextWriter error, AuditReport report)
    {
        var rows = report.Disagreements;
        await error.WriteLineAsync(
            $"error: the daily spend projection disagrees with the events on {rows.Count} row(s): recorded {AuditReportFormats.Money(report.Totals.RecordedCost)}, "
            + $"projected {AuditReportFormats.Money(report.Totals.ProjectedCost)}. A broken projection is an incident: find out why, "
            + "then rebuild it from the events with `gateway projections rebuild -p Spend`.");
        foreach (var row in rows.Take(10))
        {
            await error.WriteLineAsync(
                $"  {Text(row.Day)} key {row.KeyAlias ?? row.Key ?? "-"} team {row.Team ?? "-"} model {row.Model}: "
                + $"recorded {AuditReportFormats.Money(row.RecordedCost)}, projected {AuditReportFormats.Money(row.ProjectedCost)}");
        }
        if (rows.Count > 10)
            await error.WriteLineAsync($"  … and {rows.Count - 10} more.");
    }

    static DateOnly Day(CliArguments args, string name)
    {
        var text = args.Option(name) ?? throw CliFailure.Usage($"--{name} YYYY-MM-DD is required.");
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            throw CliFailure.Usage($"--{name} '{text}' is not a date of the form YYYY-MM-DD.");
        return day;
    }

    static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Never echoes a secret key: a plaintext key is shown as its name (sk-...abcd).</summary>
    internal static string Describe(string keyOrAlias) =>
        keyOrAlias.StartsWith(Domain.Keys.KeyPlaintext.Prefix, StringComparison.Ordinal)
            ? Domain.Keys.KeyPlaintext.Name(keyOrAlias)
            : $"'{keyOrAlias}'";
}
