using System.Globalization;
using Gateway.Domain.Keys;
using Microsoft.AspNetCore.Http;

namespace Gateway.Portal.Features.Audit;

/// <summary>
/// An audit as a person asks for it: the UTC days <see cref="From"/> to <see cref="To"/> (both included), optionally
/// one team and one key (its alias, hash or plaintext), and the prices to recompute with. The page runs it, and its
/// CSV download (<see cref="AuditDownload"/>) runs it again from the link's query string, with the same rights checks.
/// </summary>
public sealed record AuditRequest(DateOnly From, DateOnly To)
{
    public string? TeamId { get; init; }

    public string? Key { get; init; }

    public AuditPrices Prices { get; init; } = AuditPrices.Recorded;

    public string FileName => string.Create(CultureInfo.InvariantCulture, $"audit-{From:yyyy-MM-dd}-{To:yyyy-MM-dd}.csv");

    /// <summary>
    /// The CSV download of this audit. A plaintext key travels as its hash, which finds the same key: a secret must not
    /// sit in a URL, where browsers and proxies keep it.
    /// </summary>
    public string DownloadPath
    {
        get
        {
            var query = new Dictionary<string, string?>
            {
                ["from"] = Day(From),
                ["to"] = Day(To),
                ["team"] = TeamId,
                ["key"] = Key is { } key && key.StartsWith(KeyPlaintext.Prefix, StringComparison.Ordinal) ? KeyPlaintext.Hash(key) : Key,
                ["prices"] = Prices.QueryValue,
            };
            return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(AuditDownload.Path,
                query.Where(p => !string.IsNullOrEmpty(p.Value)));
        }
    }

    /// <summary>The request a download link carries, or why the link is not one.</summary>
    public static (AuditRequest? Request, string? Problem) FromQuery(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!TryDay(query["from"], out var from) || !TryDay(query["to"], out var to))
            return (null, "from and to must be days written YYYY-MM-DD.");
        if (AuditPrices.FromQueryValue(query["prices"]) is not { } prices)
            return (null, "prices must be recorded, current or sheet:VERSION.");
        return (new AuditRequest(from, to)
        {
            TeamId = FormText.OrNone(query["team"]),
            Key = FormText.OrNone(query["key"]),
            Prices = prices,
        }, null);
    }

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static bool TryDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

}
