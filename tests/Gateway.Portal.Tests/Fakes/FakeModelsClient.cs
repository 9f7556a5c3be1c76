using Gateway.Domain;
using Gateway.Portal.Features.Access;
using Gateway.Portal.Features.Models;

namespace Gateway.Portal.Tests.Fakes;

/// <summary>Deployments kept in a list; records what the page asked for and what it sent.</summary>
public sealed class FakeModelsClient : IModelsClient
{
    public List<ModelRow> Rows { get; } = [];
    public List<ModelListQuery> Queries { get; } = [];
    public List<ModelSettings> Added { get; } = [];
    public List<(string Id, ModelSettings Settings)> Updated { get; } = [];
    public List<string> Removed { get; } = [];
    public int HealthChecks { get; private set; }
    public Exception? ListFails { get; set; }
    public Rejection? SaveRefusal { get; set; }
    public ModelSettings Stored { get; set; } = new() { ModelName = "runtime-gpt", Provider = "openai", UpstreamModel = "gpt-4o", HasStoredKey = true };

    public static ModelRow Config(string name, string provider = "openai", string upstream = "gpt-4o") =>
        new($"cfg-{name}", name, provider, upstream, "https://api.openai.com/v1", ModelSource.Config, true, 0.0000025m, 0.00001m);

    public static ModelRow Database(string name, string apiBase = "http://vllm:8000/v1") =>
        new($"db-{name}", name, "openai", "llama", apiBase, ModelSource.Database, true, null, null);

    public Task<PortalResult<ModelPage>> ListAsync(SignedInUser who, ModelListQuery query, CancellationToken ct)
    {
        Queries.Add(query);
        if (ListFails is not null)
            throw ListFails;
        var rows = Rows.Where(r => query.Search is null || r.ModelGroup.Contains(query.Search, StringComparison.OrdinalIgnoreCase)).ToList();
        return Task.FromResult(PortalResult<ModelPage>.Ok(new ModelPage(rows.Skip(query.Page * query.PageSize).Take(query.PageSize).ToList(), rows.Count)));
    }

    // As sent: the dialog forgets the key it held once the save succeeded.
    static ModelSettings Copy(ModelSettings s) => new()
    {
        ModelName = s.ModelName, Provider = s.Provider, UpstreamModel = s.UpstreamModel, ApiBase = s.ApiBase, ApiKey = s.ApiKey,
        ApiVersion = s.ApiVersion, Rpm = s.Rpm, Tpm = s.Tpm, InputCostPerMillion = s.InputCostPerMillion,
        OutputCostPerMillion = s.OutputCostPerMillion, Mode = s.Mode, HasStoredKey = s.HasStoredKey,
    };

    public IReadOnlyList<string> Providers() => ["anthropic", "openai"];

    public Task<PortalResult<ModelSettings>> SettingsAsync(SignedInUser who, string deploymentId, CancellationToken ct) =>
        Task.FromResult(PortalResult<ModelSettings>.Ok(Stored));

    public Task<PortalResult<ModelRow>> AddAsync(SignedInUser who, ModelSettings settings, CancellationToken ct)
    {
        Added.Add(Copy(settings));
        if (SaveRefusal is not null)
            return Task.FromResult(PortalResult<ModelRow>.Refused(SaveRefusal));
        var row = new ModelRow("db-new", settings.ModelName, settings.Provider, settings.UpstreamModel, settings.ApiBase, ModelSource.Database,
            settings.ApiKey is not null, null, null);
        Rows.Add(row);
        return Task.FromResult(PortalResult<ModelRow>.Ok(row));
    }

    public Task<PortalResult<ModelRow>> UpdateAsync(SignedInUser who, string deploymentId, ModelSettings settings, CancellationToken ct)
    {
        Updated.Add((deploymentId, Copy(settings)));
        return Task.FromResult(SaveRefusal is null
            ? PortalResult<ModelRow>.Ok(Rows.Single(r => r.Id == deploymentId))
            : PortalResult<ModelRow>.Refused(SaveRefusal));
    }

    public Task<PortalResult<string>> RemoveAsync(SignedInUser who, string deploymentId, CancellationToken ct)
    {
        Removed.Add(deploymentId);
        Rows.RemoveAll(r => r.Id == deploymentId);
        return Task.FromResult(PortalResult<string>.Ok(deploymentId));
    }

    public Task<PortalResult<int>> CheckHealthAsync(SignedInUser who, CancellationToken ct)
    {
        HealthChecks++;
        for (var i = 0; i < Rows.Count; i++)
            Rows[i] = Rows[i] with { Healthy = true, CheckedAt = DateTimeOffset.UtcNow };
        return Task.FromResult(PortalResult<int>.Ok(Rows.Count));
    }
}
