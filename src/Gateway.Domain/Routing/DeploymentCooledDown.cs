namespace Gateway.Domain.Routing;

/// <summary>
/// A deployment was taken out of routing until <see cref="Until"/> after failing: at once for a 429, 401, 404 or
/// timeout, else after more than <c>allowed_fails</c> failures in a minute. Each event is a stream of its own (several
/// nodes may cool the same deployment at the same moment). Holds no credential.
/// </summary>
public sealed record DeploymentCooledDown(
    string DeploymentId,
    string ModelGroup,
    string Provider,
    string Model,
    string? ApiBase,
    int Status,
    string ErrorType,
    string Reason,
    int FailuresThisMinute,
    DateTimeOffset At,
    DateTimeOffset Until);
