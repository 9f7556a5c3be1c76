using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Api.Errors;

namespace Gateway.Api.Providers.Vertex;

/// <summary>
/// OAuth access tokens for service accounts, by Google's two-legged flow: a JWT (RS256, signed with the account's
/// private key; <c>iss</c> the account, <c>aud</c> its token URI, scope <c>cloud-platform</c>, one hour) exchanged at the
/// token URI for an access token. A token is reused until five minutes before it expires; one refresh per account runs
/// at a time, so a burst of calls does not become a burst of token requests.
/// </summary>
internal sealed class AccessTokens(UpstreamClients clients, TimeProvider time)
{
    const string Scope = "https://www.googleapis.com/auth/cloud-platform";
    static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(30);

    sealed class Entry
    {
        public readonly SemaphoreSlim Refresh = new(1, 1);
        public string? Token;
        public DateTimeOffset ExpiresAt;
    }

    readonly ConcurrentDictionary<(string Email, string TokenUri), Entry> _entries = new();

    /// <summary>A current access token for the account, or the error to answer with. Throws only when <paramref name="ct"/> is cancelled.</summary>
    public async ValueTask<(string? Token, ApiError? Error)> GetAsync(ServiceAccount account, CancellationToken ct)
    {
        var entry = _entries.GetOrAdd((account.ClientEmail, account.TokenUri.AbsoluteUri), static _ => new Entry());
        if (Fresh(entry) is { } token)
            return (token, null);

        await entry.Refresh.WaitAsync(ct);
        try
        {
            if (Fresh(entry) is { } refreshed)
                return (refreshed, null); // another call refreshed it while this one waited
            var (accessToken, lifetime, error) = await ExchangeAsync(account, ct);
            if (error is not null)
                return (null, error);
            entry.Token = accessToken;
            entry.ExpiresAt = time.GetUtcNow() + lifetime;
            return (accessToken, null);
        }
        finally
        {
            entry.Refresh.Release();
        }
    }

    string? Fresh(Entry entry) => entry.Token is { } token && entry.ExpiresAt - RefreshMargin > time.GetUtcNow() ? token : null;

    async Task<(string? Token, TimeSpan Lifetime, ApiError? Error)> ExchangeAsync(ServiceAccount account, CancellationToken ct)
    {
        string assertion;
        try
        {
            assertion = Assertion(account, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return (null, default, Refused(account, "its private_key is not a PEM RSA key"));
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, account.TokenUri)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                new("assertion", assertion),
            ]),
        };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(ExchangeTimeout);
        try
        {
            using var response = await clients.For(account.TokenUri).SendAsync(message, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            using var document = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
            var root = document.RootElement;
            if (!response.IsSuccessStatusCode)
            {
                var reason = root.TryGetProperty("error_description", out var description) && description.ValueKind == JsonValueKind.String
                    ? description.GetString()
                    : root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : $"HTTP {(int)response.StatusCode}";
                return (null, default, Refused(account, $"the token endpoint said: {reason}"));
            }
            if (!root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String)
                return (null, default, Refused(account, "the token endpoint answered without an access_token"));
            var seconds = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var s) ? s : 3600;
            return (token.GetString(), TimeSpan.FromSeconds(seconds), null);
        }
        catch (JsonException)
        {
            return (null, default, Refused(account, "the token endpoint did not answer with JSON"));
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            if (ct.IsCancellationRequested)
                throw;
            return (null, default, ApiError.UpstreamUnreachable("vertex_ai", $"the token endpoint {account.TokenUri.Host} could not be reached: {ex.Message}"));
        }
    }

    /// <summary>The signed JWT Google's token endpoint takes as <c>assertion</c>.</summary>
    internal static string Assertion(ServiceAccount account, DateTimeOffset now)
    {
        var issued = now.ToUnixTimeSeconds();
        var header = Json(json =>
        {
            json.WriteString("alg", "RS256");
            json.WriteString("typ", "JWT");
            if (account.PrivateKeyId is { } keyId)
                json.WriteString("kid", keyId);
        });
        var claims = Json(json =>
        {
            json.WriteString("iss", account.ClientEmail);
            json.WriteString("scope", Scope);
            json.WriteString("aud", account.TokenUri.AbsoluteUri);
            json.WriteNumber("iat", issued);
            json.WriteNumber("exp", issued + 3600);
        });
        var signingInput = $"{Base64Url(header)}.{Base64Url(claims)}";
        using var rsa = RSA.Create();
        rsa.ImportFromPem(account.PrivateKeyPem);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static ApiError Refused(ServiceAccount account, string why) =>
        new(401, "authentication_error", $"vertex_ai: no access token for service account {account.ClientEmail}: {why}.", null, "401");
}
