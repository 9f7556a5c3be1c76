using Gateway.Api.Routing;

namespace Gateway.Api.Errors;

/// <summary>
/// Upstreams sometimes quote the credential they were sent in an error ("Incorrect API key provided: sk-…", a proxy
/// echoing the Authorization header). Before such an error reaches a client, an event or a log, the deployment's own
/// credentials are cut out of it.
/// </summary>
public static class Redaction
{
    public const string Mark = "[redacted]";

    /// <summary>Shorter values are not credentials worth hiding, and hiding them would mangle ordinary words.</summary>
    const int ShortestSecret = 8;

    static readonly string[] CredentialWords = ["key", "secret", "token", "credential", "password"];

    public static ApiError WithoutSecretsOf(this ApiError error, Deployment? deployment)
    {
        if (deployment is null)
            return error;
        var message = WithoutSecretsOf(error.Message, deployment);
        var param = error.Param is null ? null : WithoutSecretsOf(error.Param, deployment);
        return ReferenceEquals(message, error.Message) && ReferenceEquals(param, error.Param) ? error : error with { Message = message, Param = param };
    }

    public static string WithoutSecretsOf(string text, Deployment deployment)
    {
        foreach (var secret in SecretsOf(deployment))
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, Mark, StringComparison.Ordinal);
        return text;
    }

    /// <summary>The api_key, and every text under a litellm_params key that names a credential (AWS, Azure AD, Vertex).</summary>
    static IEnumerable<string> SecretsOf(Deployment deployment)
    {
        if (deployment.ApiKey is { Length: >= ShortestSecret } key)
            yield return key;
        foreach (var (name, value) in deployment.Params)
            if (CredentialWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase)))
                foreach (var text in Texts(value))
                    yield return text;
    }

    static IEnumerable<string> Texts(object? value)
    {
        switch (value)
        {
            case string { Length: >= ShortestSecret } text:
                yield return text;
                break;
            case IReadOnlyDictionary<string, object?> map:
                foreach (var inner in map.Values.SelectMany(Texts))
                    yield return inner;
                break;
            case IEnumerable<object?> list:
                foreach (var inner in list.SelectMany(Texts))
                    yield return inner;
                break;
        }
    }
}
