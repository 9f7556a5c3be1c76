namespace Gateway.Api.Config;

/// <summary>
/// One entry of LiteLLM's <c>fallbacks</c>, <c>context_window_fallbacks</c> or <c>content_policy_fallbacks</c>:
/// when <see cref="ModelGroup"/> fails (after its retries), try these groups in order. <c>*</c> as the group applies
/// to every group without a rule of its own.
/// </summary>
public sealed record FallbackRule(string ModelGroup, IReadOnlyList<string> Fallbacks);
