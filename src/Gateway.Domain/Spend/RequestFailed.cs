namespace Gateway.Domain.Spend;

/// <summary>
/// A call by an authenticated caller that ended in an error. Deployment and provider are null when the call
/// failed before a deployment was chosen (an unknown model, a malformed body). Tokens and cost are what was
/// produced and charged before the failure (zero unless a stream broke part way).
/// </summary>
public sealed record RequestFailed(
    Guid RequestId,
    DateTimeOffset StartedAt,
    DateTimeOffset At,
    string CallType,
    string? KeyHash,
    string? TeamId,
    string? UserId,
    string? CustomerId,
    string? ModelGroup,
    string? DeploymentId,
    string? Provider,
    int Status,
    string ErrorType,
    string ErrorMessage,
    double LatencyMs,
    bool Stream,
    int PromptTokens = 0,
    int CompletionTokens = 0,
    decimal Cost = 0m);
