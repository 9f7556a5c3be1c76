using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Api.Tests.Reliability;

/// <summary>One hostile request body: what it is, its bytes and the Content-Type it is sent with.</summary>
public sealed record HostileBody(string Name, byte[] Bytes, string ContentType = "application/json")
{
    public override string ToString() => Name;
}

/// <summary>
/// Bodies and query strings a careless or malicious client sends: malformed, truncated, of the wrong JSON kind, deeply
/// nested, oversized, invalid UTF-8, lone surrogates, huge strings, wrong content types, and wrongly typed fields.
/// </summary>
public static class HostileCorpus
{
    static HostileBody Text(string name, string text, string contentType = "application/json") => new(name, Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>Bodies that no route may accept, whatever it expects.</summary>
    public static IEnumerable<HostileBody> Malformed()
    {
        yield return new HostileBody("an empty body", []);
        yield return Text("text that is not JSON", "hello, gateway");
        yield return Text("truncated JSON", """{"model": "mock-gpt", "messages": [{"role": "us""");
        yield return Text("an unterminated string", """{"model": "mock-gpt""");
        yield return Text("a JSON array", "[1, 2, 3]");
        yield return Text("a JSON number", "42");
        yield return Text("a JSON string", "\"just a string\"");
        yield return Text("JSON null", "null");
        yield return Text("JSON true", "true");
        yield return Text("an object followed by garbage", """{"model": "mock-gpt"} and more""");
        yield return Text("two objects", "{} {}");
        yield return Text("a single quote object", "{'model': 'mock-gpt'}");
        yield return Text("a trailing comma", """{"model": "mock-gpt",}""");
        yield return Text("a comment", """{"model": "mock-gpt" /* hi */}""");
        yield return Text("NaN", """{"model": NaN}""");
        yield return Text("10k-deep arrays", "{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}");
        yield return Text("10k-deep objects", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000));
        yield return Text("10k unclosed arrays", "{\"x\":" + new string('[', 10_000));
        yield return new HostileBody("invalid UTF-8 in a string", [.. "{\"model\":\"mock"u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]);
        yield return new HostileBody("invalid UTF-8 outside strings", [.. "{\"model\":\"mock-gpt\","u8, 0xFE, 0xFF, .. "}"u8]);
        yield return new HostileBody("a UTF-16 body", Encoding.Unicode.GetBytes("""{"model": "mock-gpt"}"""));
        yield return new HostileBody("NUL bytes", [0, 0, 0, 0]);
    }

    /// <summary>A body over the configured limit, built around a valid prefix so only the size is wrong.</summary>
    public static HostileBody OverTheLimit(long limitBytes) =>
        new("a body over the size limit", Encoding.UTF8.GetBytes("{\"model\":\"mock-gpt\",\"x\":\"" + new string('a', (int)limitBytes + 16) + "\"}"));

    /// <summary>The route's valid body sent with Content-Types that are not JSON.</summary>
    public static IEnumerable<HostileBody> WrongContentTypes(JsonObject valid)
    {
        var bytes = Encoding.UTF8.GetBytes(valid.ToJsonString());
        yield return new HostileBody("text/plain", bytes, "text/plain");
        yield return new HostileBody("a form type", bytes, "application/x-www-form-urlencoded");
        yield return new HostileBody("multipart with no parts", bytes, "multipart/form-data; boundary=xyz");
        yield return new HostileBody("JSON declared as UTF-16", bytes, "application/json; charset=utf-16");
        yield return new HostileBody("a nonsense charset", bytes, "application/json; charset=klingon");
        yield return new HostileBody("a malformed Content-Type", bytes, ";;;===");
    }

    /// <summary>
    /// The route's valid body with one field made hostile: every string field a lone surrogate, a NUL, and a huge string
    /// (under the size limit).
    /// </summary>
    public static IEnumerable<HostileBody> HostileStrings(JsonObject valid, IEnumerable<string> stringFields, int hugeLength)
    {
        foreach (var field in stringFields)
        {
            yield return WithRaw($"a lone surrogate in {field}", valid, field, "\"\\ud800 x\"");
            yield return WithRaw($"a reversed surrogate pair in {field}", valid, field, "\"\\udc00\\ud800\"");
            yield return WithRaw($"a NUL in {field}", valid, field, "\"a\\u0000b\"");
            yield return WithRaw($"a huge {field}", valid, field, "\"" + new string('h', hugeLength) + "\"");
        }
    }

    /// <summary>The valid body with <paramref name="field"/> replaced by raw JSON text.</summary>
    public static HostileBody WithRaw(string name, JsonObject valid, string field, string rawJson)
    {
        var copy = (JsonObject)valid.DeepClone();
        copy[field] = "\u0001PLACEHOLDER\u0001";
        var text = copy.ToJsonString().Replace("\"\\u0001PLACEHOLDER\\u0001\"", rawJson, StringComparison.Ordinal);
        return Text(name, text);
    }

    /// <summary>JSON values of the wrong kind for a field of <paramref name="type"/>.</summary>
    public static IEnumerable<string> WrongValuesFor(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
            return ["5", "{}", "[\"a\"]", "true"];
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(long) || type == typeof(int))
            return ["\"ten\"", "{}", "[1]", "true", "1e999"];
        if (type == typeof(bool))
            return ["\"yes\"", "1", "{}"];
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            return ["\"x\"", "[1]", "5"];
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            return type.GetGenericArguments()[0] == typeof(string) ? ["\"x\"", "[1]", "[{}]", "{}"] : ["\"x\"", "[1]", "{}"];
        return ["\"x\"", "5", "[1]"]; // an object
    }

    /// <summary>Query strings a careless client or a scanner sends.</summary>
    public static IEnumerable<(string Name, string Query)> HostileQueries()
    {
        const string names = "key,team_id,user_id,end_user_id,key_alias,api_key,request_id,start_date,end_date,page,page_size,size,limit,summarize,group_by,model,return_full_object";
        string Every(string value) => string.Join('&', names.Split(',').Select(n => $"{n}={value}"));
        yield return ("a bad percent escape", "?%zz");
        yield return ("bad percent escapes in every parameter", "?" + Every("%zz"));
        yield return ("invalid UTF-8 escapes in every parameter", "?" + Every("%C3%28%FF"));
        yield return ("a lone surrogate in every parameter", "?" + Every("%ED%A0%80"));
        yield return ("NUL in every parameter", "?" + Every("%00"));
        yield return ("every parameter repeated", "?" + Every("a") + "&" + Every("b"));
        yield return ("every parameter empty", "?" + Every(""));
        yield return ("every parameter a negative number", "?" + Every("-1"));
        yield return ("every parameter a huge number", "?" + Every("99999999999999999999999999"));
        yield return ("impossible dates", "?start_date=2024-13-45&end_date=0000-00-00");
        yield return ("dates at the ends of time", "?start_date=0001-01-01&end_date=9999-12-31");
        yield return ("a huge query string", "?key=" + new string('k', 100_000) + "&user_id=" + new string('u', 100_000));
        yield return ("ten thousand parameters", "?" + string.Join('&', Enumerable.Range(0, 10_000).Select(i => $"p{i}={i}")));
        yield return ("a parameter with no name", "?=x&&&=");
    }
}
