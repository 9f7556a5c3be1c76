using System.Globalization;
using System.Text.Json;
using Gateway.Domain.Audit;
using Gateway.Domain.Keys;

namespace Gateway.Api.Cli;

/// <summary>
/// <c>spend --as-of TIMESTAMP (--key KEY-OR-ALIAS | --team ID | --customer ID) [--format json|table]</c>: what the
/// owner had spent at that moment, by replaying its calls (<see cref="SpendAsOf"/>).
/// </summary>
public static class SpendVerb
{
    static readonly string[] Options = ["as-of", "key", "team", "customer", "format", "config"];

    public static async Task<int> RunAsync(IEnumerable<string> arguments, CliContext cli, CancellationToken ct)
    {
        var args = CliArguments.Parse(arguments, Options);
        if (args.Positional.Count > 0)
            throw CliFailure.Usage($"spend takes no argument '{args.Positional[0]}'.");
        var asOf = Moment(args.Option("as-of") ?? throw CliFailure.Usage("--as-of TIMESTAMP is required (e.g. 2025-10-31T23:59:59Z)."));
        var format = args.Option("format") ?? "table";
        if (format is not ("json" or "table"))
            throw CliFailure.Usage($"--format must be json or table, not '{format}'.");
        var owners = new[] { "key", "team", "customer" }.Where(o => args.Option(o) is not null).ToList();
        if (owners.Count != 1)
            throw CliFailure.Usage("give exactly one of --key, --team or --customer.");

        await using var database = await cli.OpenDatabaseAsync(args.Option("config"), ct);
        await using var session = database.Store.QuerySession();
        SpendOwner owner;
        switch (owners[0])
        {
            case "key":
                var key = args.Option("key")!;
                var hashes = await AuditScopes.KeyHashesAsync(session, key, ct)
                    ?? throw new CliFailure(ExitCodes.NotFound, $"no key {AuditVerb.Describe(key)}: not a key, key hash or key alias the gateway knows.");
                // A plaintext key is a secret: the report names it as the gateway's key_name does.
                owner = SpendOwner.Key(key.StartsWith(KeyPlaintext.Prefix, StringComparison.Ordinal) ? KeyPlaintext.Name(key) : key, hashes);
                break;
            case "team":
                var team = args.Option("team")!;
                if (!await AuditScopes.TeamKnownAsync(session, team, ct))
                    throw new CliFailure(ExitCodes.NotFound, $"no team '{team}': no such team_id on file and no call recorded under it.");
                owner = SpendOwner.Team(team);
                break;
            default:
                var customer = args.Option("customer")!;
                if (!await AuditScopes.CustomerKnownAsync(session, customer, ct))
                    throw new CliFailure(ExitCodes.NotFound, $"no customer '{customer}': no such end user on file and no call recorded for it.");
                owner = SpendOwner.Customer(customer);
                break;
        }

        var spend = await SpendAsOf.ComputeAsync(session, owner, asOf, ct);
        await cli.Output.WriteLineAsync(format == "json" ? Json(spend) : Line(spend));
        return ExitCodes.Ok;
    }

    /// <summary>An ISO 8601 moment (<see cref="SpendAsOf.TryParseMoment"/>).</summary>
    static DateTimeOffset Moment(string text)
    {
        if (SpendAsOf.TryParseMoment(text, out var moment))
            return moment;
        throw CliFailure.Usage($"--as-of '{text}' is not a timestamp; use ISO 8601, e.g. 2025-10-31T23:59:59Z.");
    }

    static string Kind(SpendOwnerKind kind) => kind switch
    {
        SpendOwnerKind.Key => "key",
        SpendOwnerKind.Team => "team",
        _ => "customer",
    };

    static string Json(SpendAt spend)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString(Kind(spend.Owner.Kind), spend.Owner.Id);
            json.WriteString("as_of", spend.AsOf.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("spend", AuditReportFormats.Exact(spend.Spend));
            json.WriteNumber("requests", spend.Requests);
            if (spend.LastCallAt is { } last)
                json.WriteString("last_call_at", last.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            else
                json.WriteNull("last_call_at");
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    static string Line(SpendAt spend) => string.Create(CultureInfo.InvariantCulture,
        $"{Kind(spend.Owner.Kind)} {spend.Owner.Id} had spent {AuditReportFormats.Money(spend.Spend)} USD in {spend.Requests} call(s) as of {spend.AsOf.UtcDateTime:O}");
}
