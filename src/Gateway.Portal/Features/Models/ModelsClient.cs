using System.Globalization;
using System.Text.Json;
using Gateway.Domain;
using Gateway.Domain.Models;
using Gateway.Portal.Features.Access;
using Marten;

namespace Gateway.Portal.Features.Models;

/// <summary>
/// <see cref="IModelsClient"/> on the gateway's store and its served models. The list comes from what the gateway serves
/// now (<see cref="IServedModels"/>); changes are decided by <see cref="AddDeployment"/>, <see cref="UpdateDeployment"/>
/// and <see cref="RemoveDeployment"/> with the gateway's rules, credentials sealed first, and appended; the gateway's
/// session listener then rebuilds its routing table, so a change applies to the very next API call.
/// </summary>
public sealed class ModelsClient(IDocumentStore store, IServedModels served, CredentialSeal seal, TimeProvider time) : IModelsClient
{
    public const string AdminsOnly = "Only admins add, change or remove models.";

    public async Task<PortalResult<ModelPage>> ListAsync(SignedInUser who, ModelListQuery query, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is null)
            return PortalResult<ModelPage>.Forbidden(PortalRights.NoLongerAllowed);

        IEnumerable<ModelRow> rows = served.Deployments();
        if (FormText.OrNone(query.Search) is { } search)
            rows = rows.Where(r => Matches(r.ModelGroup, search) || Matches(r.Provider, search) || Matches(r.UpstreamModel, search)
                || Matches(r.ApiBase, search) || Matches(r.Id, search));
        var sorted = Sorted(rows, query.SortBy, query.Descending).ToList();
        var size = Math.Clamp(query.PageSize, 1, 100);
        return PortalResult<ModelPage>.Ok(new ModelPage([.. sorted.Skip(Math.Max(0, query.Page) * size).Take(size)], sorted.Count));
    }

    public IReadOnlyList<string> Providers() => [.. served.Rules.Providers];

    public async Task<PortalResult<ModelSettings>> SettingsAsync(SignedInUser who, string deploymentId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<ModelSettings>.Forbidden(AdminsOnly);
        var stored = await session.LoadAsync<StoredDeployment>(StreamIds.Deployment(deploymentId), ct);
        if (stored is null || stored.Removed)
        {
            var refusal = RemoveDeployment.Decide(new RemoveDeployment(deploymentId), stored, served.Rules, who.By, time.GetUtcNow()).Rejection!;
            return PortalResult<ModelSettings>.Refused(refusal);
        }
        return PortalResult<ModelSettings>.Ok(SettingsOf(stored));
    }

    public async Task<PortalResult<ModelRow>> AddAsync(SignedInUser who, ModelSettings settings, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<ModelRow>.Forbidden(AdminsOnly);

        var id = Guid.NewGuid().ToString();
        var info = FormText.OrNone(settings.Mode) is { } mode ? Map(("mode", mode)) : null;
        var decision = AddDeployment.Decide(
            new AddDeployment(id, settings.ModelName.Trim(), seal.SealCredentials(Params(settings, patch: false), id), info),
            await session.LoadAsync<StoredDeployment>(StreamIds.Deployment(id), ct), served.Rules, who.By, time.GetUtcNow());
        return await CommitAsync(session, id, decision, start: true, ct);
    }

    public async Task<PortalResult<ModelRow>> UpdateAsync(SignedInUser who, string deploymentId, ModelSettings settings, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<ModelRow>.Forbidden(AdminsOnly);

        // Every field the dialog shows is sent (empty ones removed); the decision records only what differs.
        var command = new UpdateDeployment(deploymentId, settings.ModelName.Trim(),
            seal.SealCredentials(Params(settings, patch: true), deploymentId), Map(("mode", FormText.OrNone(settings.Mode))));
        var decision = UpdateDeployment.Decide(command, await session.LoadAsync<StoredDeployment>(StreamIds.Deployment(deploymentId), ct),
            served.Rules, who.By, time.GetUtcNow());
        return await CommitAsync(session, deploymentId, decision, start: false, ct);
    }

    public async Task<PortalResult<string>> RemoveAsync(SignedInUser who, string deploymentId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
            return PortalResult<string>.Forbidden(AdminsOnly);
        var decision = RemoveDeployment.Decide(new RemoveDeployment(deploymentId),
            await session.LoadAsync<StoredDeployment>(StreamIds.Deployment(deploymentId), ct), served.Rules, who.By, time.GetUtcNow());
        if (decision.Rejection is { } refused)
            return PortalResult<string>.Refused(refused);
        session.Events.Append(StreamIds.Deployment(deploymentId), [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return PortalResult<string>.Ok(deploymentId);
    }

    public async Task<PortalResult<int>> CheckHealthAsync(SignedInUser who, CancellationToken ct)
    {
        await using (var session = store.QuerySession())
        {
            if (await PortalRights.NowAsync(session, who, ct) is not { IsAdmin: true })
                return PortalResult<int>.Forbidden("Only admins run health checks: each one calls every upstream.");
        }
        await served.CheckHealthAsync(ct);
        return PortalResult<int>.Ok(served.Deployments().Count(d => d.Served));
    }

    async Task<PortalResult<ModelRow>> CommitAsync(IDocumentSession session, string deploymentId, Decision decision, bool start, CancellationToken ct)
    {
        if (decision.Rejection is { } refused)
            return PortalResult<ModelRow>.Refused(refused);
        if (decision.Events.Count > 0)
        {
            if (start)
                session.Events.StartStream<StoredDeployment>(StreamIds.Deployment(deploymentId), [.. decision.Events]);
            else
                session.Events.Append(StreamIds.Deployment(deploymentId), [.. decision.Events]);
            await session.SaveChangesAsync(ct);
        }
        var row = served.Deployments().FirstOrDefault(d => d.Id == deploymentId);
        return row is null
            ? PortalResult<ModelRow>.Refused(RejectionKind.NotFound, $"Model {deploymentId} was saved but is not listed yet; reload the page.")
            : PortalResult<ModelRow>.Ok(row);
    }

    /// <summary>
    /// The dialog's fields as litellm_params. Adding sends the fields filled in; editing sends every field, an empty
    /// one as null (removed), except the key: left empty, the stored one stays.
    /// </summary>
    static Dictionary<string, JsonElement> Params(ModelSettings settings, bool patch)
    {
        var values = new List<(string, object?)>
        {
            ("model", settings.Model),
            ("api_base", FormText.OrNone(settings.ApiBase)),
            ("api_version", FormText.OrNone(settings.ApiVersion)),
            ("rpm", settings.Rpm),
            ("tpm", settings.Tpm),
            ("input_cost_per_token", settings.InputCostPerMillion / ModelSettings.Million),
            ("output_cost_per_token", settings.OutputCostPerMillion / ModelSettings.Million),
        };
        if (FormText.OrNone(settings.ApiKey) is { } key)
            values.Add(("api_key", key));
        return Map([.. values.Where(v => patch || v.Item2 is not null)]);
    }

    static Dictionary<string, JsonElement> Map(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => JsonSerializer.SerializeToElement(v.Value), StringComparer.Ordinal);

    static ModelSettings SettingsOf(StoredDeployment stored)
    {
        var model = stored.Model ?? "/";
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        return new ModelSettings
        {
            ModelName = stored.ModelName,
            Provider = slash > 0 ? model[..slash] : model,
            UpstreamModel = slash >= 0 ? model[(slash + 1)..] : "",
            ApiBase = Text(stored.LitellmParams, "api_base"),
            ApiVersion = Text(stored.LitellmParams, "api_version"),
            Rpm = Number(stored.LitellmParams, "rpm") is { } rpm ? (long)rpm : null,
            Tpm = Number(stored.LitellmParams, "tpm") is { } tpm ? (long)tpm : null,
            InputCostPerMillion = Number(stored.LitellmParams, "input_cost_per_token") * ModelSettings.Million,
            OutputCostPerMillion = Number(stored.LitellmParams, "output_cost_per_token") * ModelSettings.Million,
            Mode = Text(stored.ModelInfo, "mode"),
            HasStoredKey = stored.LitellmParams.TryGetValue("api_key", out var key) && key.ValueKind != JsonValueKind.Null,
        };
    }

    static string? Text(IReadOnlyDictionary<string, JsonElement> map, string name) =>
        map.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static decimal? Number(IReadOnlyDictionary<string, JsonElement> map, string name) =>
        !map.TryGetValue(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number ? value.GetDecimal()
        : value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;

    static bool Matches(string? value, string search) => value?.Contains(search, StringComparison.OrdinalIgnoreCase) == true;

    static IEnumerable<ModelRow> Sorted(IEnumerable<ModelRow> rows, string? sortBy, bool descending)
    {
        Func<ModelRow, object?> key = sortBy switch
        {
            nameof(ModelRow.Provider) => r => r.Provider,
            nameof(ModelRow.UpstreamModel) => r => r.UpstreamModel,
            nameof(ModelRow.ApiBase) => r => r.ApiBase,
            nameof(ModelRow.Source) => r => r.Source,
            nameof(ModelRow.InputCostPerToken) => r => r.InputCostPerToken,
            nameof(ModelRow.OutputCostPerToken) => r => r.OutputCostPerToken,
            _ => r => r.ModelGroup,
        };
        return descending
            ? rows.OrderByDescending(key).ThenBy(r => r.Id, StringComparer.Ordinal)
            : rows.OrderBy(key).ThenBy(r => r.Id, StringComparer.Ordinal);
    }
}
