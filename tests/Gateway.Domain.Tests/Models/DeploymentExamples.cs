using System.Text.Json;
using Gateway.Domain.Models;

namespace Gateway.Domain.Tests.Models;

/// <summary>Given-state for the deployment decisions: a gateway knowing a few providers and one config.yaml model.</summary>
internal static class DeploymentExamples
{
    public static readonly DateTimeOffset Now = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);
    public const string Admin = "admin-key-hash";
    public const string ConfigId = "from-config";

    public static readonly CredentialSeal Seal = new("salt-key-for-tests");

    public static DeploymentRules Rules(Func<StoredDeployment, Rejection?>? canServe = null) =>
        new(["openai", "anthropic", "mock"], new HashSet<string>(StringComparer.Ordinal) { ConfigId }, canServe ?? (_ => null));

    /// <summary>A JSON map from an anonymous object: <c>Map(new { model = "openai/gpt-4o" })</c>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Map(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, JsonElement> OpenAIParams(string apiBase = "http://upstream:8000/v1") =>
        Map(new { model = "openai/gpt-4o", api_base = apiBase, rpm = 60 });

    public static StoredDeployment Stored(string id = "db-1", IReadOnlyDictionary<string, JsonElement>? litellmParams = null) =>
        StoredDeployment.Create(new DeploymentAdded(id, "gpt-4o", litellmParams ?? OpenAIParams(), Map(new { mode = "chat" }), Now.AddDays(-1), Admin));

    public static StoredDeployment Removed(string id = "db-1") =>
        Stored(id).Apply(new DeploymentRemoved(id, Now.AddHours(-1), Admin));
}
