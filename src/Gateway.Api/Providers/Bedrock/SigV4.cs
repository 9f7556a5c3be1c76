using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// AWS Signature Version 4 for the Authorization header: canonical request, string to sign, derived signing key and
/// signature, as AWS's "Create a signed AWS API request" describes, checked against AWS's published test suite.
/// Non-S3 rules: the path is normalised and each segment URI-encoded once more (so a wire path holding <c>%3A</c>
/// is signed as <c>%253A</c>), the query is decoded, re-encoded and sorted.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>SHA-256 of no bytes, the payload hash of a request without a body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public readonly record struct Result(string Authorization, string CanonicalRequest, string StringToSign, string Signature, string SignedHeaders);

    /// <summary>
    /// Signs a request. <paramref name="headers"/> are exactly the headers to sign (with <c>host</c> and <c>x-amz-date</c>);
    /// <paramref name="path"/> is the path as sent (already percent-encoded for the wire), <paramref name="query"/> the raw
    /// query string without <c>?</c>.
    /// </summary>
    public static Result Sign(
        string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash,
        AwsCredentials credentials, string region, string service, DateTimeOffset time)
    {
        var amzDate = AmzDate(time);
        var date = amzDate[..8];
        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(headers);

        var canonicalRequest = string.Join('\n',
            method, CanonicalUri(path), CanonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash);

        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var signature = Hex(HMACSHA256.HashData(SigningKey(credentials.SecretAccessKey, date, region, service), Encoding.UTF8.GetBytes(stringToSign)));
        var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new Result(authorization, canonicalRequest, stringToSign, signature, signedHeaders);
    }

    /// <summary><c>yyyyMMddTHHmmssZ</c> in UTC, the form of <c>x-amz-date</c>.</summary>
    public static string AmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string PayloadHash(ReadOnlySpan<byte> payload) => Hex(SHA256.HashData(payload));

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>Dot segments resolved, empty segments dropped (a trailing slash kept), each segment URI-encoded.</summary>
    internal static string CanonicalUri(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
                continue;
            if (segment == "..")
            {
                if (segments.Count > 0)
                    segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }

        var builder = new StringBuilder(path.Length + 16).Append('/');
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
                builder.Append('/');
            UriEncode(builder, segments[i]);
        }
        if (segments.Count > 0 && path.EndsWith('/'))
            builder.Append('/');
        return builder.ToString();
    }

    /// <summary>Each name and value decoded then encoded the AWS way, sorted by name then value (ordinal on the encoded form).</summary>
    internal static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query))
            return "";
        var pairs = new List<(string Name, string Value)>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            pairs.Add((Encode(Uri.UnescapeDataString(name)), Encode(Uri.UnescapeDataString(value))));
        }
        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(static p => $"{p.Name}={p.Value}"));
    }

    /// <summary>Names lower-cased and sorted; values trimmed with inner runs of white space collapsed; repeats joined by commas.</summary>
    static (string Canonical, string Signed) CanonicalHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(key, out var values))
                byName[key] = values = [];
            values.Add(CollapseWhiteSpace(value));
        }

        var canonical = new StringBuilder();
        foreach (var (name, values) in byName)
            canonical.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        return (canonical.ToString(), string.Join(';', byName.Keys));
    }

    static string CollapseWhiteSpace(string value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace)
                builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>RFC 3986 encoding as AWS wants it: unreserved characters kept, every other UTF-8 byte as upper-case <c>%XX</c>.</summary>
    internal static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        UriEncode(builder, value);
        return builder.ToString();
    }

    static void UriEncode(StringBuilder builder, string value)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~')
            {
                builder.Append(c);
                continue;
            }
            var length = char.IsHighSurrogate(c) && i + 1 < value.Length
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
    }

    static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
