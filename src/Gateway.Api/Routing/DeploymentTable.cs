namespace Gateway.Api.Routing;

/// <summary>An immutable snapshot of the model groups the gateway serves, looked up by public model name.</summary>
public sealed class DeploymentTable(IReadOnlyDictionary<string, ModelGroup> groups, string priceSheetVersion)
{
    public IReadOnlyDictionary<string, ModelGroup> Groups { get; } = groups;

    /// <summary>The version of the price sheet the deployments' prices came from; recorded on every call.</summary>
    public string PriceSheetVersion { get; } = priceSheetVersion;

    public ModelGroup? Find(string model) => Groups.GetValueOrDefault(model);
}
