using Gateway.Api.Providers.Bedrock;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>
/// The signer against AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite): example credentials
/// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 2015-08-30T12:36:00Z, us-east-1, service "service".
/// Each case gives the request, the canonical request AWS expects and the exact signature.
/// </summary>
public sealed class SigV4Tests
{
    static readonly AwsCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    const string Host = "example.amazonaws.com";
    const string Scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

    public static TheoryData<string, string, string, string[], string, string> Suite => new()
    {
        // name, method, path, query, extra headers ("Name:value"), canonical query, signature
        { "get-vanilla", "GET", "/", [], "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "post-vanilla", "POST", "/", [], "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
        { "get-utf8", "GET", "/ሴ", [], "", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85" },
        { "get-space", "GET", "/example space/", [], "", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741" },
        { "get-special-character", "GET", "/example/$delete", [], "", "a853c9b21b528b19643d00910d35b83a10c366a10833ceefb45edd6c80e40f27" },
        { "get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", [], "", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
        { "normalize-path/get-relative-relative", "GET", "/example1/example2/../..", [], "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "normalize-path/get-slash-pointless-dot", "GET", "/./example", [], "", "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5" },
        { "normalize-path/get-slashes", "GET", "//example//", [], "", "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84" },
        { "post-header-key-sort", "POST", "/", ["My-Header1:value1"], "", "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c" },
        { "post-header-value-case", "POST", "/", ["My-Header1:VALUE1"], "", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
        { "get-header-key-duplicate", "GET", "/", ["My-Header1:value2", "My-Header1:value2", "My-Header1:value1"], "", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
        { "get-header-value-order", "GET", "/", ["My-Header1:value4", "My-Header1:value1", "My-Header1:value3", "My-Header1:value2"], "", "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01" },
        { "get-header-value-trim", "GET", "/", ["My-Header1: value1", "My-Header2: \"a   b   c\""], "", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
        { "get-header-value-multiline", "GET", "/", ["My-Header1:value1\n  value2\n     value3"], "", "cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd" },
    };

    [Theory]
    [MemberData(nameof(Suite))]
    public void path_and_header_cases_of_the_published_suite_sign_exactly(
        string name, string method, string path, string[] extraHeaders, string query, string signature)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", Host), new("X-Amz-Date", "20150830T123600Z") };
        foreach (var header in extraHeaders)
        {
            var colon = header.IndexOf(':');
            headers.Add(new(header[..colon], header[(colon + 1)..]));
        }

        var result = SigV4.Sign(method, path, query, headers, SigV4.EmptyPayloadHash, Example, "us-east-1", "service", SuiteTime);

        Assert.True(signature == result.Signature, $"{name}: got {result.Signature}\n{result.CanonicalRequest}");
        var signed = string.Join(';', headers.Select(h => h.Key.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal($"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders={signed}, Signature={signature}", result.Authorization);
    }

    [Theory]
    [InlineData("get-vanilla-query-order-key-case", "Param2=value2&Param1=value1", "Param1=value1&Param2=value2", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData("get-vanilla-query-order-key", "Param1=value2&Param1=Value1", "Param1=Value1&Param1=value2", "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1")]
    [InlineData("get-vanilla-query-order-value", "Param1=value2&Param1=value1", "Param1=value1&Param1=value2", "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694")]
    [InlineData("get-vanilla-query-order-encoded", "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3", "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac")]
    [InlineData("get-vanilla-utf8-query", "ሴ=bar", "%E1%88%B4=bar", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")]
    [InlineData("get-vanilla-query-unreserved",
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197")]
    public void query_cases_of_the_published_suite_sign_exactly(string name, string query, string canonicalQuery, string signature)
    {
        var result = SigV4.Sign("GET", "/", query, SuiteHeaders(), SigV4.EmptyPayloadHash, Example, "us-east-1", "service", SuiteTime);

        Assert.Equal($"GET\n/\n{canonicalQuery}\nhost:{Host}\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{SigV4.EmptyPayloadHash}", result.CanonicalRequest);
        Assert.True(signature == result.Signature, $"{name}: got {result.Signature}");
    }

    [Fact]
    public void get_vanilla_gives_the_documented_canonical_request_and_string_to_sign()
    {
        var result = SigV4.Sign("GET", "/", "", SuiteHeaders(), SigV4.EmptyPayloadHash, Example, "us-east-1", "service", SuiteTime);

        Assert.Equal($"GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{SigV4.EmptyPayloadHash}", result.CanonicalRequest);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
                     "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", result.StringToSign);
    }

    [Fact]
    public void a_session_token_is_signed_as_x_amz_security_token()
    {
        // get-vanilla-with-session-token
        var token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        var headers = SuiteHeaders();
        headers.Add(new("X-Amz-Security-Token", token));
        var result = SigV4.Sign("GET", "/", "", headers, SigV4.EmptyPayloadHash, Example with { SessionToken = token }, "us-east-1", "service", SuiteTime);

        Assert.Equal("07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8", result.Signature);
        Assert.Equal("host;x-amz-date;x-amz-security-token", result.SignedHeaders);
    }

    [Fact]
    public void a_form_body_is_signed_by_its_hash()
    {
        // post-x-www-form-urlencoded: the payload hash is the SHA-256 of "Param1=value1".
        var body = "Param1=value1"u8;
        Assert.Equal("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e", SigV4.PayloadHash(body));
        var headers = SuiteHeaders();
        headers.Add(new("Content-Type", "application/x-www-form-urlencoded"));
        var result = SigV4.Sign("POST", "/", "", headers, SigV4.PayloadHash(body), Example, "us-east-1", "service", SuiteTime);

        Assert.Equal("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", result.Signature);
    }

    [Fact]
    public void the_documented_signing_key_derivation_matches()
    {
        // AWS's "Examples of how to derive a signing key for Signature Version 4" (IAM, 2012-02-15, us-east-1).
        var key = SigV4.SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void a_bedrock_model_id_with_a_colon_is_encoded_again_in_the_canonical_uri()
    {
        // The wire path carries the model id encoded once (":" as %3A); non-S3 services sign each segment encoded again.
        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse",
            SigV4.CanonicalUri("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"));
        Assert.Equal("/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123%253Ainference-profile%252Fus.x/converse-stream",
            SigV4.CanonicalUri("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.x/converse-stream"));
    }

    static List<KeyValuePair<string, string>> SuiteHeaders() => [new("Host", Host), new("X-Amz-Date", "20150830T123600Z")];
}
