namespace Gateway.Api.Errors;

/// <summary>
/// An error as a value: the HTTP status and the OpenAI-shaped body fields. Every refusal of the proxy and the
/// admin API is one of these, written by <see cref="ApiErrorWriter"/>; nothing is thrown for control flow.
/// </summary>
public sealed record ApiError(int Status, string Type, string Message, string? Param = null, string? Code = null)
{
    /// <summary>LiteLLM puts the status, as a string, in <c>code</c> unless something more specific applies.</summary>
    public string CodeOrStatus => Code ?? Status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Seconds the client should wait, sent as <c>retry-after</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    // The catalogue (../shared/reference/LITELLM.md §2). One place, so the proxy and the admin API agree.

    public static ApiError NoKey() => new(401, "auth_error",
        "Authentication Error, No api key passed in.", "None", "401");

    public static ApiError InvalidKey(string? presented) => new(401, "auth_error",
        $"Authentication Error, Invalid proxy server token passed. Received API Key = {Mask(presented)}. " +
        "Unable to find token in cache or `LiteLLM_VerificationTokenTable`", "None", "401");

    /// <summary>A client that sent too many wrong keys, refused until its window ends (LiteLLM's shape for a 429).</summary>
    public static ApiError TooManyFailedAuthentications(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return new(429, "rate_limit_error",
            $"Authentication Error, too many invalid API keys from this client. Try again in {seconds} seconds with a valid key.", "None", "429")
        {
            RetryAfterSeconds = seconds,
        };
    }

    public static ApiError BlockedKey() => new(401, "auth_error",
        "Authentication Error, This key is blocked. Ask an admin to unblock it (POST /key/unblock).", "None", "401");

    public static ApiError BlockedTeam(string teamId) => new(401, "auth_error",
        $"Authentication Error, Team={teamId} is blocked. Update via `/team/unblock` if you're an admin.", "None", "401");

    public static ApiError BlockedCustomer(string customerId) => new(401, "auth_error",
        $"Authentication Error, End User={customerId} is blocked. Try again with a different user id, or unblock it via `/customer/unblock`.", "None", "401");

    public static ApiError TeamModelAccessDenied(string model, string teamId, IReadOnlyList<string> allowed) => new(403, "team_model_access_denied",
        $"team not allowed to access model. This team can only access models=[{string.Join(", ", allowed)}]. Tried to access {model}. Team={teamId}",
        "model", "403");

    public static ApiError ExpiredKey(DateTimeOffset expiredAt) => new(400, "expired_key",
        $"Authentication Error - Expired Key. Key Expiry time {expiredAt:O}.", "None", "400");

    public static ApiError KeyModelAccessDenied(string model, IReadOnlyList<string> allowed) => new(403, "key_model_access_denied",
        $"key not allowed to access model. This key can only access models=[{string.Join(", ", allowed)}]. Tried to access {model}",
        "model", "403");

    /// <summary>LiteLLM's message, with whose budget it is named as LiteLLM names it (a key's own budget is unnamed).</summary>
    public static ApiError BudgetExceeded(decimal currentCost, decimal maxBudget, Gateway.Domain.Budgets.BudgetScope scope) => new(400, "budget_exceeded",
        $"Budget has been exceeded! {BudgetOwner(scope)}Current cost: {currentCost.ToString(System.Globalization.CultureInfo.InvariantCulture)}, " +
        $"Max budget: {maxBudget.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "None", "400");

    static string BudgetOwner(Gateway.Domain.Budgets.BudgetScope scope) => scope.Kind switch
    {
        Gateway.Domain.Budgets.BudgetScope.Key => "",
        Gateway.Domain.Budgets.BudgetScope.KeyModel => $"Model={scope.Id[(scope.Id.IndexOf('/') + 1)..]} on this key ",
        Gateway.Domain.Budgets.BudgetScope.Team => $"Team={scope.Id} ",
        Gateway.Domain.Budgets.BudgetScope.TeamMember => $"Team member={scope.Id} ",
        Gateway.Domain.Budgets.BudgetScope.User => $"User={scope.Id} ",
        Gateway.Domain.Budgets.BudgetScope.Customer => $"End User={scope.Id} ",
        _ => "LiteLLM Proxy ",
    };

    public static ApiError RateLimited(string scopeKind, string scopeId, string limitType, long limit, DateTimeOffset resetsAt, DateTimeOffset now) =>
        new(429, "rate_limit_error",
            $"Rate limit exceeded for {scopeKind}: {scopeId}. Limit type: {limitType}. Current limit: {limit}, Remaining: 0. " +
            $"Limit resets at: {resetsAt:yyyy-MM-dd HH:mm:ss} UTC", "None", "429")
        {
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling((resetsAt - now).TotalSeconds)),
        };

    public static ApiError UnknownModel(string model) => new(400, "invalid_request_error",
        $"Invalid model name passed in model={model}. Call `/v1/models` to view available models for your key.",
        "model", "400");

    public static ApiError WrongModelMode(string model, string callType) => new(400, "invalid_request_error",
        $"Model {model} does not support {callType}. Pick a model whose mode fits this endpoint from `/v1/models`.",
        "model", "400");

    public static ApiError MalformedJson(string detail) => new(400, "invalid_request_error",
        $"Invalid JSON in request body: {detail}", null, "400");

    public static ApiError InvalidField(string field, string why) => new(400, "invalid_request_error",
        $"Invalid value for '{field}': {why}", field, "400");

    public static ApiError MissingField(string field, string what) => new(400, "invalid_request_error",
        $"Missing required parameter: '{field}' ({what}).", field, "400");

    public static ApiError InvalidBody(string detail) => new(400, "invalid_request_error",
        $"The request body could not be read: {detail}", null, "400");

    public static ApiError BodyTooLarge(long limitBytes) => new(413, "invalid_request_error",
        $"Request size is too large. Max size is {limitBytes / (1024d * 1024d):0.##} MB " +
        "(general_settings.max_request_size_mb).", null, "413");

    public static ApiError UnsupportedMediaType() => new(415, "invalid_request_error",
        "Request body must be JSON (Content-Type: application/json).", null, "415");

    public static ApiError NotFound(string path) => new(404, "invalid_request_error",
        $"Unknown route: {path}. See /v1/models and the README for the endpoints.", null, "404");

    /// <summary>nginx's status for a client that closed the connection before the answer; recorded, never sent.</summary>
    public const int ClientClosedStatus = 499;

    public static ApiError ClientClosedRequest() => new(ClientClosedStatus, "client_closed_request",
        "The client closed the connection before the answer was ready.", null, "499");

    public static ApiError UpstreamTimeout(string deployment, double seconds) => new(408, "timeout",
        $"litellm.Timeout: Request to deployment {deployment} timed out after {seconds:0.###}s.", null, "408");

    public static ApiError UpstreamUnreachable(string provider, string detail) => new(502, "api_connection_error",
        $"APIConnectionError: {provider} could not be reached: {detail}", null, "502");

    public static ApiError UpstreamInvalidResponse(string provider, string detail) => new(502, "api_error",
        $"{provider} returned a response the gateway could not read: {detail}", null, "502");

    public static ApiError UpstreamResponseTooLarge(string provider, long limitBytes) => new(502, "api_error",
        $"{provider} returned more than {limitBytes / (1024d * 1024d):0.##} MB " +
        "(general_settings.max_response_size_mb).", null, "502");

    /// <summary>
    /// PostgreSQL is unreachable and <c>general_settings.allow_requests_on_db_unavailable</c> is false. The type is
    /// LiteLLM's for it (<c>ProxyErrorTypes.no_db_connection</c>); 503 with <c>retry-after</c>, which OpenAI's SDKs retry.
    /// </summary>
    public static ApiError DatabaseUnavailable() => new(503, "no_db_connection",
        "The gateway's database is unreachable, and calls are not served without it (general_settings.allow_requests_on_db_unavailable: false). " +
        "Try again in a few seconds.", "None", "503")
    {
        RetryAfterSeconds = 2,
    };

    /// <summary>
    /// A key this gateway has not seen yet, while its database is unreachable: it cannot be checked, so it is neither let
    /// in nor called wrong (a 401 would be remembered and counted as a guess).
    /// </summary>
    public static ApiError KeyUnverifiable() => new(503, "no_db_connection",
        "Authentication Error, the gateway's database is unreachable and this key is not yet known to this gateway, so it cannot be checked. " +
        "Try again in a few seconds.", "None", "503")
    {
        RetryAfterSeconds = 2,
    };

    /// <summary>An admin command or read that needs the database while it is unreachable.</summary>
    public static ApiError DatabaseUnreachable() => new(503, "no_db_connection",
        "The gateway's database is unreachable; this request needs it. Try again in a few seconds.", "None", "503")
    {
        RetryAfterSeconds = 2,
    };

    public static ApiError Internal() => new(500, "internal_server_error",
        "The gateway failed to handle this request. It has been logged with its request id.", null, "500");

    /// <summary>Shows only enough of a presented key to recognise it: never the key itself.</summary>
    static string Mask(string? key) =>
        string.IsNullOrEmpty(key) ? "(empty)" : key.Length <= 8 ? "sk-...****" : $"sk-...{key[^4..]}";
}
