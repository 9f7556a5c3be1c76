using System.Text.Json;

namespace Gateway.Domain.Models;

/// <summary>
/// A model deployment added at runtime, as its events leave it. Immutable and folded by Marten's self-aggregating
/// conventions; removal marks it rather than dropping the stream, so its id is never reused.
/// </summary>
/// <param name="Id">The stream id, <see cref="StreamIds.Deployment"/> of <paramref name="DeploymentId"/>.</param>
/// <param name="DeploymentId">LiteLLM's <c>model_info.id</c>: what the router, the spend logs and the API name it by.</param>
/// <param name="LitellmParams">How to call it; credential fields sealed (see <see cref="CredentialSeal"/>).</param>
/// <param name="ModelInfo">What it is (<c>mode</c>, <c>base_model</c>, …), without the id.</param>
public sealed record StoredDeployment(
    Guid Id,
    string DeploymentId,
    string ModelName,
    IReadOnlyDictionary<string, JsonElement> LitellmParams,
    IReadOnlyDictionary<string, JsonElement> ModelInfo,
    bool Removed,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary><c>litellm_params.model</c>, e.g. <c>openai/gpt-4o</c>.</summary>
    public string? Model => LitellmParams.TryGetValue("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null;

    public static StoredDeployment Create(DeploymentAdded e) => new(
        StreamIds.Deployment(e.DeploymentId), e.DeploymentId, e.ModelName, e.LitellmParams, e.ModelInfo,
        Removed: false, CreatedAt: e.At, UpdatedAt: e.At);

    public StoredDeployment Apply(DeploymentUpdated e) => this with
    {
        ModelName = e.ModelName ?? ModelName,
        LitellmParams = e.LitellmParams ?? LitellmParams,
        ModelInfo = e.ModelInfo ?? ModelInfo,
        UpdatedAt = e.At,
    };

    public StoredDeployment Apply(DeploymentRemoved e) => this with { Removed = true, UpdatedAt = e.At };

    // Records print every property; sealed credentials have no business in a log line either.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"DeploymentId = {DeploymentId}, ModelName = {ModelName}, Model = {Model}, Removed = {Removed}, ");
        builder.Append($"LitellmParams keys = [{string.Join(", ", LitellmParams.Keys)}]");
        return true;
    }
}
