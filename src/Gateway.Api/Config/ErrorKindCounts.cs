namespace Gateway.Api.Config;

/// <summary>
/// A number per kind of upstream error, as LiteLLM's <c>retry_policy</c> (<c>RateLimitErrorRetries: 3</c>, …) and
/// <c>allowed_fails_policy</c> (<c>RateLimitErrorAllowedFails: 100</c>, …) give them. Unset kinds fall back to the
/// router-wide number (<c>num_retries</c>, <c>allowed_fails</c>).
/// </summary>
public sealed record ErrorKindCounts
{
    public int? BadRequest { get; init; }
    public int? Authentication { get; init; }
    public int? Timeout { get; init; }
    public int? RateLimit { get; init; }
    public int? ContentPolicyViolation { get; init; }
    public int? InternalServer { get; init; }

    /// <summary>LiteLLM's field names without their suffix (Retries or AllowedFails).</summary>
    internal static readonly string[] Kinds =
        ["BadRequestError", "AuthenticationError", "TimeoutError", "RateLimitError", "ContentPolicyViolationError", "InternalServerError"];

    /// <summary>Reads <c>{BadRequestError}{suffix}</c> and the others; any other key is a mistake, named with a suggestion.</summary>
    internal static ErrorKindCounts Read(ConfigMapping map, string suffix)
    {
        var known = Kinds.Select(kind => kind + suffix).ToArray();
        foreach (var entry in map.Entries)
        {
            if (!known.Contains(entry.Key, StringComparer.Ordinal))
            {
                var suggestion = ConfigKeySuggestion.Closest(entry.Key, known);
                throw map.Context.Error(entry.KeyNode, map.FieldOf(entry.Key),
                    $"unknown key; expected one of {string.Join(", ", known)}" + (suggestion is null ? "" : $" (did you mean {suggestion}?)"));
            }
        }

        return new ErrorKindCounts
        {
            BadRequest = map.Int(known[0]),
            Authentication = map.Int(known[1]),
            Timeout = map.Int(known[2]),
            RateLimit = map.Int(known[3]),
            ContentPolicyViolation = map.Int(known[4]),
            InternalServer = map.Int(known[5]),
        };
    }
}
