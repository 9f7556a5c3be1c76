using Gateway.Api.Config;
using Gateway.Api.Hosting;
using Gateway.Api.Providers;
using Gateway.Domain;
using Gateway.Domain.Models;
using Gateway.Domain.Pricing;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Routing;

/// <summary>
/// The deployments added at runtime: loads them from their snapshots at start-up and after every change (made here,
/// <see cref="DeploymentListener"/>, or seen from another node by the event feed), opens their credentials, reads them
/// as config entries and publishes config's and theirs as one table in the <see cref="DeploymentCatalog"/>. A stored
/// deployment that cannot be served (a credential sealed under another salt key, an environment variable gone) is left
/// out with an error in the log and its reason shown in the portal and <c>/model/info</c>; the gateway keeps serving
/// the rest, and an admin can fix it by entering the credential again.
/// </summary>
public sealed partial class StoredDeployments(
    GatewaySettings settings, ActivePriceSheet prices, ProviderCatalog providers, CredentialSeal seal, DeploymentCatalog catalog,
    DeploymentHealth health, IDocumentStore store, ILogger<StoredDeployments> logger) : IHostedService
{
    readonly SemaphoreSlim _rebuilding = new(1, 1);
    readonly HashSet<string> _configIds = catalog.FromConfig.Groups.Values.SelectMany(g => g.Deployments).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
    // What the last rebuild saw of each stored deployment, to log a problem once and reset the health of a changed one.
    Dictionary<string, (DateTimeOffset UpdatedAt, string? Problem)> _seen = new(StringComparer.Ordinal);

    /// <summary>What a deployment added here must satisfy, for the decisions of the admin API and the portal.</summary>
    public DeploymentRules Rules => new([.. providers.Names], _configIds, CanServe);

    public Task StartAsync(CancellationToken cancellationToken) => ReloadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads every stored deployment and publishes the table they make with config's.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await _rebuilding.WaitAsync(ct);
        try
        {
            IReadOnlyList<StoredDeployment> stored;
            await using (var session = store.QuerySession())
                stored = await session.Query<StoredDeployment>().Where(d => !d.Removed).OrderBy(d => d.CreatedAt).ToListAsync(ct);
            Publish(stored);
        }
        finally
        {
            _rebuilding.Release();
        }
    }

    void Publish(IReadOnlyList<StoredDeployment> stored)
    {
        var served = new List<Deployment>(catalog.FromConfig.Groups.Values.SelectMany(g => g.Deployments));
        var states = new List<StoredDeploymentState>(stored.Count);
        var seen = new Dictionary<string, (DateTimeOffset, string?)>(StringComparer.Ordinal);
        foreach (var deployment in stored)
        {
            var changed = !_seen.TryGetValue(deployment.DeploymentId, out var before) || before.UpdatedAt != deployment.UpdatedAt;
            (Deployment? resolved, string? problem) = _configIds.Contains(deployment.DeploymentId)
                ? (null, $"its id {deployment.DeploymentId} is also a config.yaml deployment's, which serves instead")
                : Resolve(deployment, changed ? logger : NullLogger.Instance);
            if (resolved is not null)
                served.Add(resolved);
            states.Add(new StoredDeploymentState(deployment, resolved, problem));
            seen[deployment.DeploymentId] = (deployment.UpdatedAt, problem);

            // A changed deployment starts afresh: a cooldown earned at its old address says nothing about the new one.
            if (changed && _seen.ContainsKey(deployment.DeploymentId))
                health.Forget(deployment.DeploymentId);
            if (problem is not null && (changed || before.Problem != problem))
                LogUnservable(logger, deployment.ModelName, deployment.DeploymentId, problem);
        }
        foreach (var gone in _seen.Keys.Where(id => !seen.ContainsKey(id)))
            health.Forget(gone);
        _seen = seen;

        catalog.Publish(DeploymentTableBuilder.Compose(served, settings.Config, prices.Sheet, logger: null), states);
    }

    /// <summary>The deployment a stored one becomes, or why it cannot serve.</summary>
    (Deployment? Deployment, string? Problem) Resolve(StoredDeployment stored, ILogger log)
    {
        var (opened, failed) = seal.OpenCredentials(stored.LitellmParams, stored.DeploymentId);
        if (opened is null)
            return (null, $"its stored credential litellm_params.{failed} cannot be decrypted with this gateway's salt key " +
                "(GATEWAY_SALT_KEY or LITELLM_SALT_KEY, else the master key). Start the gateway with the salt key it was stored under, " +
                "or enter the credential again (/model/update or the portal).");
        try
        {
            var entry = StoredDeploymentReader.Read(stored, opened, settings.Environment);
            var deployment = DeploymentTableBuilder.Resolve(entry, "litellm_params", StoredDeploymentReader.SourceOf(stored), settings.Config,
                prices.Sheet, providers, settings.Environment, log);
            return (deployment with { Stored = true }, null);
        }
        catch (ConfigException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>The stored deployments served now, as they would be priced under <paramref name="sheet"/> (for cost audits).</summary>
    public IReadOnlyList<Deployment> PricedUnder(PriceSheet sheet)
    {
        var priced = new List<Deployment>();
        foreach (var state in catalog.Stored.Where(s => s.Served is not null))
        {
            var (opened, _) = seal.OpenCredentials(state.Stored.LitellmParams, state.Stored.DeploymentId);
            if (opened is null)
                continue;
            try
            {
                priced.Add(DeploymentTableBuilder.Resolve(StoredDeploymentReader.Read(state.Stored, opened, settings.Environment), "litellm_params",
                    StoredDeploymentReader.SourceOf(state.Stored), settings.Config, sheet, providers, settings.Environment, NullLogger.Instance));
            }
            catch (ConfigException)
            {
                // It served a moment ago; if it no longer reads, the audit prices its calls by model name instead.
            }
        }
        return priced;
    }

    /// <summary>Whether the gateway could serve <paramref name="candidate"/>; a decision about it refuses with the reason.</summary>
    Rejection? CanServe(StoredDeployment candidate)
    {
        var (opened, failed) = seal.OpenCredentials(candidate.LitellmParams, candidate.DeploymentId);
        if (opened is null)
            return new Rejection(RejectionKind.Invalid, $"litellm_params.{failed} cannot be decrypted with this gateway's salt key; send it again.", $"litellm_params.{failed}");
        try
        {
            var entry = StoredDeploymentReader.Read(candidate, opened, settings.Environment);
            DeploymentTableBuilder.Resolve(entry, "litellm_params", StoredDeploymentReader.SourceOf(candidate), settings.Config,
                prices.Sheet, providers, settings.Environment, NullLogger.Instance);
            return null;
        }
        catch (ConfigException ex)
        {
            return new Rejection(RejectionKind.Invalid, ex.Reason, ex.Field.Length == 0 ? null : ex.Field);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {ModelName} (id {DeploymentId}) from the database is not served: {Problem}")]
    static partial void LogUnservable(ILogger logger, string modelName, string deploymentId, string problem);
}
