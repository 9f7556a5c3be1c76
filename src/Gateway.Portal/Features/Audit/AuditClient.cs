using Gateway.Domain;
using Gateway.Domain.Audit;
using Gateway.Domain.Keys;
using Gateway.Domain.Pricing;
using Gateway.Portal.Features.Access;
using Marten;

namespace Gateway.Portal.Features.Audit;

/// <summary>
/// <see cref="IAuditClient"/> on the gateway's <see cref="CostAudit"/> (registered by the host with its deployments'
/// prices), the sheet it charges by (<see cref="ActivePriceSheet"/>, when the host has one) and the sheets people
/// uploaded (<see cref="UploadedPriceSheets"/>). The same replay as the CLI's <c>audit</c> and <c>spend --as-of</c>.
/// </summary>
public sealed class AuditClient(IDocumentStore store, CostAudit audit, UploadedPriceSheets uploads, ActivePriceSheet? activeSheet = null) : IAuditClient
{
    /// <summary>A replay reads every event of the period; a year is the most one page asks for.</summary>
    public const int MaxDays = 366;

    /// <summary>The largest price file read. LiteLLM's whole cost map is a small fraction of it.</summary>
    public const long MaxPriceFileBytes = 16 * 1024 * 1024;

    public async Task<PortalResult<AuditReport>> RunAsync(SignedInUser who, AuditRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (from, to) = request.To < request.From ? (request.To, request.From) : (request.From, request.To);
        var teamId = FormText.OrNone(request.TeamId);
        var query = new AuditQuery(from, to) { TeamId = teamId };
        await using (var session = store.QuerySession())
        {
            if (await PortalRights.NowAsync(session, who, ct) is not { } now)
                return PortalResult<AuditReport>.Forbidden(PortalRights.NoLongerAllowed);
            if (teamId is null && !now.IsAdmin)
                return PortalResult<AuditReport>.Refused(RejectionKind.Invalid, "Choose one of your teams to audit.", "team_id");
            if (!now.MayManageTeam(teamId))
                return PortalResult<AuditReport>.Forbidden($"You do not lead team {teamId}, so you cannot audit it.");
            if (to.DayNumber - from.DayNumber + 1 > MaxDays)
                return PortalResult<AuditReport>.Refused(RejectionKind.Invalid, $"Audit at most {MaxDays} days at a time.", "to");
            if (teamId is not null && !await AuditScopes.TeamKnownAsync(session, teamId, ct))
                return PortalResult<AuditReport>.Refused(RejectionKind.NotFound, $"No team '{teamId}': no such team_id on file and no call recorded under it.", "team_id");
            if (FormText.OrNone(request.Key) is { } key)
            {
                // A team lead's audit keeps the team filter, so another team's key shows none of that team's calls.
                var hashes = await AuditScopes.KeyHashesAsync(session, key, ct);
                if (hashes is null)
                    return PortalResult<AuditReport>.Refused(RejectionKind.NotFound, $"No key {Describe(key)}: not a key, key hash or key alias the gateway knows.", "key");
                query = query with { KeyHashes = hashes };
            }
        }

        switch (request.Prices.Kind)
        {
            case AuditPricesKind.Current when activeSheet is null:
                return PortalResult<AuditReport>.Refused(RejectionKind.Invalid, "This gateway does not say which price sheet it charges by.", "prices");
            case AuditPricesKind.Current:
                query = query with { Prices = audit.RepricingWith(activeSheet.Sheet) };
                break;
            case AuditPricesKind.Uploaded:
                if (uploads.Find(request.Prices.UploadedVersion) is not { } sheet)
                {
                    return PortalResult<AuditReport>.Refused(RejectionKind.NotFound,
                        $"This gateway no longer holds the uploaded price sheet {request.Prices.UploadedVersion}: upload the file again.", "prices");
                }
                query = query with { Prices = audit.RepricingWith(sheet) };
                break;
        }
        return PortalResult<AuditReport>.Ok(await audit.RunAsync(query, ct));
    }

    public async Task<PortalResult<UploadedPriceSheet>> UploadPriceSheetAsync(SignedInUser who, string fileName, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using (var session = store.QuerySession())
        {
            if (await PortalRights.NowAsync(session, who, ct) is null)
                return PortalResult<UploadedPriceSheet>.Forbidden(PortalRights.NoLongerAllowed);
        }
        var name = Path.GetFileName(fileName ?? "") is { Length: > 0 } given ? given : "The file";

        // Read one byte past the limit at most: the limit holds whatever size the browser announced.
        using var file = new MemoryStream();
        var buffer = new byte[81_920];
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            file.Write(buffer, 0, read);
            if (file.Length > MaxPriceFileBytes)
                return PortalResult<UploadedPriceSheet>.Refused(RejectionKind.Invalid, TooLarge(name), "prices");
        }

        var reading = PriceFile.Read(file.GetBuffer().AsSpan(0, (int)file.Length));
        if (reading.Sheet is not { } sheet)
            return PortalResult<UploadedPriceSheet>.Refused(RejectionKind.Invalid, $"'{name}' {reading.Problem}", "prices");
        uploads.Keep(sheet);
        return PortalResult<UploadedPriceSheet>.Ok(new UploadedPriceSheet(sheet.Version, name, sheet.Models.Count));
    }

    public async Task<PortalResult<SpendAt>> SpendAsOfAsync(SignedInUser who, SpendOwnerKind kind, string owner, DateTimeOffset asOf, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { } now)
            return PortalResult<SpendAt>.Forbidden(PortalRights.NoLongerAllowed);
        if (FormText.OrNone(owner) is not { } id)
            return PortalResult<SpendAt>.Refused(RejectionKind.Invalid, "Name the key (its alias or hash), team or customer to look up.", "owner");

        SpendOwner whose;
        switch (kind)
        {
            case SpendOwnerKind.Team:
                if (!now.MayManageTeam(id))
                    return PortalResult<SpendAt>.Forbidden($"You do not lead team {id}, so you cannot see its spend.");
                if (!await AuditScopes.TeamKnownAsync(session, id, ct))
                    return PortalResult<SpendAt>.Refused(RejectionKind.NotFound, $"No team '{id}': no such team_id on file and no call recorded under it.", "owner");
                whose = SpendOwner.Team(id);
                break;
            case SpendOwnerKind.Customer:
                if (!now.IsAdmin)
                    return PortalResult<SpendAt>.Forbidden("Only admins can look up a customer's spend: an end user's calls may come through any team's keys.");
                if (!await AuditScopes.CustomerKnownAsync(session, id, ct))
                    return PortalResult<SpendAt>.Refused(RejectionKind.NotFound, $"No customer '{id}': no such end user on file and no call recorded for it.", "owner");
                whose = SpendOwner.Customer(id);
                break;
            default:
                var hashes = await AuditScopes.KeyHashesAsync(session, id, ct);
                if (hashes is null)
                    return PortalResult<SpendAt>.Refused(RejectionKind.NotFound, $"No key {Describe(id)}: not a key, key hash or key alias the gateway knows.", "owner");
                if (!now.IsAdmin && !await AllOfLeadsTeamsAsync(session, now, hashes, ct))
                    return PortalResult<SpendAt>.Forbidden("That key does not belong to a team you lead, so you cannot see its spend.");
                // A plaintext key is a secret: the answer names it as the gateway's key_name does.
                whose = SpendOwner.Key(id.StartsWith(KeyPlaintext.Prefix, StringComparison.Ordinal) ? KeyPlaintext.Name(id) : id, hashes);
                break;
        }
        return PortalResult<SpendAt>.Ok(await SpendAsOf.ComputeAsync(session, whose, asOf, ct));
    }

    /// <summary>Whether the keys with these hashes are all on file and all in teams <paramref name="lead"/> leads (the master key is in none).</summary>
    static async Task<bool> AllOfLeadsTeamsAsync(IQuerySession session, SignedInUser lead, IReadOnlyList<string> hashes, CancellationToken ct)
    {
        var current = hashes.ToArray();
        var keys = await session.Query<VirtualKey>().Where(k => current.Contains(k.KeyHash)).ToListAsync(ct);
        return keys.Count > 0 && keys.All(k => lead.MayManageTeam(k.TeamId));
    }

    static string TooLarge(string name) =>
        $"'{name}' is larger than {MaxPriceFileBytes / (1024 * 1024)} MB: that is not a price sheet (LiteLLM's whole cost map is far smaller).";

    /// <summary>Never echoes a secret key: a plaintext key is shown as its name (sk-...abcd).</summary>
    static string Describe(string keyOrAlias) =>
        keyOrAlias.StartsWith(KeyPlaintext.Prefix, StringComparison.Ordinal) ? KeyPlaintext.Name(keyOrAlias) : $"'{keyOrAlias}'";

}
