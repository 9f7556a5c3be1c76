namespace Gateway.Domain.Models;

/// <summary>POST /model/delete <c>{id}</c> (and the portal's remove). config.yaml's deployments are read-only.</summary>
public sealed record RemoveDeployment(string DeploymentId)
{
    public static Decision Decide(RemoveDeployment command, StoredDeployment? stored, DeploymentRules rules, string by, DateTimeOffset now) =>
        stored is null || stored.Removed
            ? DeploymentChecks.NotStored(command.DeploymentId, rules)
            : Decision.Accept(new DeploymentRemoved(stored.DeploymentId, now, by));
}
