namespace Gateway.Domain.Routing;

/// <summary>
/// A background health check found a deployment healthy after it was not, or not after it was (or not at its first
/// check). Each event is a stream of its own, as several nodes may check at once. Holds no credential.
/// </summary>
public sealed record DeploymentHealthChanged(
    string DeploymentId,
    string ModelGroup,
    string Model,
    string? ApiBase,
    bool Healthy,
    string? Error,
    DateTimeOffset At);
