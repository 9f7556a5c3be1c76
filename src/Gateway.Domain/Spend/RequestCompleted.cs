using Gateway.Domain.Pricing;

namespace Gateway.Domain.Spend;

/// <summary>
/// A call that the gateway served, with everything needed to recompute its cost later: the token counts,
/// the unit prices that were applied and the version of the price sheet they came from.
/// Each request is its own event stream (stream id = <see cref="RequestId"/>), so concurrent requests never
/// contend on one stream.
/// </summary>
public sealed record RequestCompleted(
    Guid RequestId,
    DateTimeOffset StartedAt,
    DateTimeOffset At,
    string CallType,
    string? KeyHash,
    string? TeamId,
    string? UserId,
    string? CustomerId,
    string ModelGroup,
    string DeploymentId,
    string Provider,
    string Model,
    string? ApiBase,
    int PromptTokens,
    int CompletionTokens,
    int CachedTokens,
    int ReasoningTokens,
    int CacheCreationTokens,
    decimal Cost,
    ModelPrice Prices,
    string PriceSheetVersion,
    double LatencyMs,
    double? TimeToFirstTokenMs,
    bool Stream,
    int Status,
    bool UsageEstimated)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
