using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alba;
using Gateway.Api.Tests.Infrastructure;
using Marten.Events;

namespace Gateway.Api.Tests.Reliability;

/// <summary>One gateway with a 1 MB body limit, so "over the limit" stays cheap to send.</summary>
public sealed class HostileInputGateway(PostgresFixture postgres) : IAsyncLifetime
{
    public const long LimitBytes = 1024 * 1024;

    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await GatewayTestHost.StartAsync(postgres, """
        model_list:
          - model_name: mock-gpt
            litellm_params: { model: mock/mock-gpt }
          - model_name: mock-embedding
            litellm_params: { model: mock/mock-embedding }
            model_info: { mode: embedding }
        general_settings:
          max_request_size_mb: 1
        """);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Every proxy route and every admin route, fed the hostile corpus with the master key (so nothing stops the body
/// from being read): each answer is a 4xx in the route's error shape — never a 500, never a hang.
/// </summary>
public sealed class HostileInputTests(HostileInputGateway gateway) : IClassFixture<HostileInputGateway>
{
    /// <summary>Generous for a loaded 2-core machine; a hang is minutes, not seconds.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    IAlbaHost Host => gateway.Host;

    sealed record Answer(int Status, string ContentType, string Body, TimeSpan Took);

    static readonly string[] ProxySuffixes = ["/chat/completions", "/completions", "/embeddings", "/messages", "/messages/count_tokens"];

    IReadOnlyList<GatewayRoute> ProxyRoutes => GatewayRoute.Of(Host)
        .Where(r => r.Method == "POST" && ProxySuffixes.Any(s => r.Pattern.EndsWith(s, StringComparison.Ordinal))).ToList();

    IReadOnlyList<GatewayRoute> AdminPostRoutes => GatewayRoute.Of(Host).Where(r => r.IsWolverine && r.Method == "POST").ToList();

    /// <summary>Every GET route of the API (the portal's pages and files are HTML, scripts and styles).</summary>
    IReadOnlyList<GatewayRoute> ApiGetRoutes => GatewayRoute.Of(Host)
        .Where(r => r.Method == "GET" && !r.Pattern.StartsWith("/ui", StringComparison.Ordinal) && !r.Pattern.StartsWith("/_", StringComparison.Ordinal)
            && !r.Pattern.Contains(":file}", StringComparison.Ordinal))
        .ToList();

    static bool SpeaksAnthropic(GatewayRoute route) => route.Pattern.Contains("/messages", StringComparison.Ordinal);

    static JsonObject ValidBody(GatewayRoute route) => ValidBodies.For(route.Path);

    async Task<Answer> Send(string method, string url, HostileBody? body)
    {
        var clock = Stopwatch.StartNew();
        var scenario = Host.Scenario(s =>
        {
            if (method == "GET")
                s.Get.Url(url);
            else
                s.Post.ByteArray(body!.Bytes).ToUrl(url).ContentType(body.ContentType);
            s.WithMasterKey();
            s.IgnoreStatusCode();
        });
        IScenarioResult result;
        try
        {
            result = await scenario.WaitAsync(Patience, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            return new Answer(-1, "", "(no answer: it hung)", clock.Elapsed);
        }
        var response = result.Context.Response;
        return new Answer(response.StatusCode, response.ContentType ?? "", await result.ReadAsTextAsync(), clock.Elapsed);
    }

    /// <summary>What is wrong with an answer, or null. <paramref name="mustRefuse"/>: a 2xx is wrong too.</summary>
    static string? Fault(GatewayRoute route, Answer answer, bool mustRefuse)
    {
        if (answer.Status < 0)
            return answer.Body;
        if (answer.Status >= 500)
            return $"{answer.Status}: {Short(answer.Body)}";
        if (answer.Took > Patience)
            return $"took {answer.Took.TotalSeconds:0.0}s";
        if (answer.Status < 400)
            return mustRefuse ? $"accepted it ({answer.Status})" : null;
        if (answer.Status >= 500 || !answer.ContentType.StartsWith("application/json", StringComparison.Ordinal))
            return $"{answer.Status} with Content-Type '{answer.ContentType}': {Short(answer.Body)}";
        return ShapeFault(route, answer.Body) is { } shape ? $"{answer.Status} {shape}: {Short(answer.Body)}" : null;
    }

    /// <summary>OpenAI's <c>{"error":{"message","type","param","code"}}</c>, or Anthropic's shape on the Messages routes.</summary>
    static string? ShapeFault(GatewayRoute route, string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            if (!root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return "has no error object";
            string[] members = SpeaksAnthropic(route) ? ["type", "message"] : ["message", "type", "param", "code"];
            foreach (var member in members)
                if (!error.TryGetProperty(member, out _))
                    return $"has no error.{member}";
            return string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()) ? "has an empty message" : null;
        }
        catch (JsonException)
        {
            return "is not JSON";
        }
    }

    static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Wolverine compiles each endpoint on its first request (seconds each); that is not what is measured.</summary>
    async Task WarmUp(IEnumerable<GatewayRoute> routes)
    {
        foreach (var route in routes)
            await Send(route.Method, route.Path, route.Method == "GET" ? null : new HostileBody("{}", "{}"u8.ToArray()));
    }

    async Task<List<string>> Probe(IEnumerable<GatewayRoute> routes, Func<GatewayRoute, IEnumerable<HostileBody>> bodies, bool mustRefuse)
    {
        var faults = new List<string>();
        foreach (var route in routes)
        {
            foreach (var body in bodies(route))
            {
                var answer = await Send("POST", route.Path, body);
                if (Fault(route, answer, mustRefuse) is { } fault)
                    faults.Add($"{route} with {body.Name}: {fault}");
            }
        }
        return faults;
    }

    static void AssertNone(List<string> faults) =>
        Assert.True(faults.Count == 0, $"{faults.Count} hostile requests were mishandled:\n" + string.Join('\n', faults));

    [Fact]
    public async Task the_routes_under_test_are_found()
    {
        Assert.Contains(ProxyRoutes, r => r.Pattern == "/v1/chat/completions");
        Assert.Contains(ProxyRoutes, r => r.Pattern == "/messages/count_tokens");
        Assert.Contains(ProxyRoutes, r => r.Pattern == "/engines/{model}/chat/completions");
        Assert.Contains(AdminPostRoutes, r => r.Pattern == "/key/generate");
        Assert.Contains(AdminPostRoutes, r => r.Pattern == "/customer/delete");
        Assert.Contains(ApiGetRoutes, r => r.Pattern == "/spend/logs");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task malformed_bodies_are_refused_with_a_4xx_on_every_proxy_route()
    {
        await WarmUp(ProxyRoutes);
        AssertNone(await Probe(ProxyRoutes, _ => HostileCorpus.Malformed(), mustRefuse: true));
    }

    [Fact]
    public async Task malformed_bodies_are_refused_with_a_4xx_on_every_admin_route()
    {
        await WarmUp(AdminPostRoutes);
        AssertNone(await Probe(AdminPostRoutes, _ => HostileCorpus.Malformed(), mustRefuse: true));
    }

    [Fact]
    public async Task a_body_over_the_limit_is_a_413_on_every_proxy_and_admin_route()
    {
        var routes = ProxyRoutes.Concat(AdminPostRoutes).ToList();
        await WarmUp(routes);
        var body = HostileCorpus.OverTheLimit(HostileInputGateway.LimitBytes);
        var faults = new List<string>();
        foreach (var route in routes)
        {
            var answer = await Send("POST", route.Path, body);
            if (Fault(route, answer, mustRefuse: true) is { } fault)
                faults.Add($"{route}: {fault}");
            else if (answer.Status != 413)
                faults.Add($"{route}: {answer.Status} rather than 413: {Short(answer.Body)}");
        }
        AssertNone(faults);
    }

    [Fact]
    public async Task a_field_of_the_wrong_type_is_a_4xx_on_every_proxy_route()
    {
        await WarmUp(ProxyRoutes);
        AssertNone(await Probe(ProxyRoutes, route => ProxyFields(route).SelectMany(field =>
            field.WrongValues.Select(value => HostileCorpus.WithRaw($"{field.Name}: {value}", ValidBody(route), field.Name, value))), mustRefuse: true));
    }

    /// <summary>The fields the gateway itself reads from a proxy body, with values it must refuse.</summary>
    static IEnumerable<(string Name, string[] WrongValues)> ProxyFields(GatewayRoute route)
    {
        yield return ("model", ["5", "null", "{}", "[\"mock-gpt\"]", "\"\"", "true"]);
        if (route.Pattern.EndsWith("/count_tokens", StringComparison.Ordinal))
        {
            yield return ("messages", ["\"x\"", "[]", "{}", "5"]);
            yield break;
        }
        yield return ("stream", ["\"yes\"", "1", "{}"]);
        yield return ("max_tokens", ["\"ten\"", "-1", "0", "1.5", "{}", "1e999", "99999999999999999999"]);
        if (route.Pattern.EndsWith("/messages", StringComparison.Ordinal))
        {
            yield return ("messages", ["\"x\"", "[]", "{}", "5", "[\"hi\"]", "[{\"role\":\"user\",\"content\":5}]"]);
            yield return ("system", ["5", "{}"]);
            yield break;
        }
        yield return ("user", ["{}", "5", "[\"a\"]"]);
        yield return ("n", ["\"two\"", "0", "1000", "{}"]);
        yield return ("stream_options", ["\"x\"", "[1]", "{\"include_usage\":\"yes\"}"]);
        yield return ("tags", ["\"x\"", "[1]", "{}"]);
        yield return ("fallbacks", ["\"x\"", "[1]", "5"]);
        yield return ("metadata", ["\"x\"", "[1]", "{\"tags\":\"x\"}"]);
        yield return ("disable_fallbacks", ["\"no\"", "1"]);
        if (route.Pattern.EndsWith("/chat/completions", StringComparison.Ordinal))
            yield return ("messages", ["\"x\"", "[]", "{}", "5", "[\"hi\"]", "[{}]", "[{\"role\":5}]", "null"]);
        else if (route.Pattern.EndsWith("/completions", StringComparison.Ordinal))
            yield return ("prompt", ["{}", "5", "[{}]", "[]", "\"\"", "null"]);
        else
            yield return ("input", ["{}", "5", "[{}]", "[]", "\"\"", "null"]);
    }

    [Fact]
    public async Task a_field_of_the_wrong_type_is_a_4xx_that_names_it_on_every_admin_route()
    {
        await WarmUp(AdminPostRoutes);
        var faults = new List<string>();
        foreach (var route in AdminPostRoutes)
        {
            var fields = AdminFields(route);
            Assert.True(fields.Count > 0, $"{route}: no known fields to mistype; add its body type to AdminFields");
            foreach (var (field, type) in fields)
            {
                foreach (var value in HostileCorpus.WrongValuesFor(type))
                {
                    var answer = await Send("POST", route.Path, HostileCorpus.WithRaw($"{field}: {value}", ValidBodies.For(route.Path), field, value));
                    if (Fault(route, answer, mustRefuse: true) is { } fault)
                        faults.Add($"{route} with {field}: {value}: {fault}");
                    else if (!answer.Body.Contains(field, StringComparison.Ordinal))
                        faults.Add($"{route} with {field}: {value}: the error does not name the field: {Short(answer.Body)}");
                }
            }
        }
        AssertNone(faults);
    }

    /// <summary>Fields of a create route that its update route does not take (as in LiteLLM): members and teams have routes of their own.</summary>
    static readonly HashSet<string> NotUpdatable = ["/team/update members_with_roles", "/user/update teams"];

    /// <summary>
    /// The JSON fields of an admin route and their types: the record Wolverine binds, or for the update routes (which
    /// read the raw body, so absent and null differ) the record of the route that creates the same thing.
    /// </summary>
    static IReadOnlyList<(string Name, Type Type)> AdminFields(GatewayRoute route)
    {
        var type = route.Pattern switch
        {
            "/key/update" => typeof(Gateway.Api.Admin.Keys.GenerateKeyRequest),
            "/team/update" => typeof(Gateway.Api.Admin.Teams.NewTeamRequest),
            "/user/update" => typeof(Gateway.Api.Admin.Users.NewUserRequest),
            "/customer/update" => typeof(Gateway.Api.Admin.Customers.NewCustomerRequest),
            "/model/new" or "/model/update" => typeof(ModelFields),
            "/model/delete" => typeof(ModelIdField),
            "/team/member_update" => typeof(MemberUpdateFields),
            _ => route.BodyType,
        };
        if (type is null)
            return [];
        return type.GetProperties()
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
            .Where(p => p.Name is not null && !NotUpdatable.Contains($"{route.Pattern} {p.Name}"))
            .Select(p => (p.Name!, p.PropertyType))
            .ToList();
    }

    [Fact]
    public async Task hostile_strings_never_fail_a_proxy_route()
    {
        await WarmUp(ProxyRoutes);
        AssertNone(await Probe(ProxyRoutes, route => HostileCorpus.HostileStrings(ValidBody(route), ["model", "user"], 300_000)
            .Append(HostileCorpus.WithRaw("a lone surrogate in a message", ValidBody(route), "messages", """[{"role":"user","content":"\ud800"}]"""))
            .Append(HostileCorpus.WithRaw("a lone surrogate in an unknown field", ValidBody(route), "x_extra", "\"\\udfff\""))
            .Append(HostileCorpus.WithRaw("a lone surrogate in a field name", ValidBody(route), "x\\ud800", "1")), mustRefuse: false));

        // What was accepted was recorded: no event the database refuses holds up the writer or the projections.
        await Host.EventsPersisted();
        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task hostile_strings_never_fail_an_admin_route()
    {
        await WarmUp(AdminPostRoutes);
        AssertNone(await Probe(AdminPostRoutes, route =>
        {
            var strings = AdminFields(route).Where(f => f.Type == typeof(string)).Select(f => f.Name);
            return HostileCorpus.HostileStrings(ValidBodies.For(route.Path), strings, 300_000)
                .Append(HostileCorpus.WithRaw("a lone surrogate in metadata", ValidBodies.For(route.Path), "metadata", """{"note":"\ud800"}"""))
                .Append(HostileCorpus.WithRaw("a lone surrogate in a list", ValidBodies.For(route.Path), "models", """["\ud800"]"""));
        }, mustRefuse: false));
    }

    [Fact]
    public async Task a_body_that_is_not_declared_json_never_fails_a_route()
    {
        var routes = ProxyRoutes.Concat(AdminPostRoutes).ToList();
        await WarmUp(routes);
        AssertNone(await Probe(routes, route => HostileCorpus.WrongContentTypes(ValidBody(route)), mustRefuse: false));
    }

    [Fact]
    public async Task hostile_query_strings_never_fail_a_get_route()
    {
        var routes = ApiGetRoutes;
        await WarmUp(routes);
        var faults = new List<string>();
        foreach (var route in routes)
        {
            foreach (var (name, query) in HostileCorpus.HostileQueries())
            {
                var answer = await Send("GET", route.Path + query, null);
                if (Fault(route, answer, mustRefuse: false) is { } fault)
                    faults.Add($"{route} with {name}: {fault}");
            }
        }
        AssertNone(faults);
    }

    /// <summary>The model routes read their raw body (absent and null differ, as LiteLLM's do): the fields they take.</summary>
    sealed record ModelFields(
        [property: JsonPropertyName("model_name")] string ModelName,
        [property: JsonPropertyName("litellm_params")] Dictionary<string, object> LitellmParams,
        [property: JsonPropertyName("model_info")] Dictionary<string, object> ModelInfo);

    sealed record ModelIdField([property: JsonPropertyName("id")] string Id);

    sealed record MemberUpdateFields(
        [property: JsonPropertyName("team_id")] string TeamId,
        [property: JsonPropertyName("user_id")] string UserId,
        [property: JsonPropertyName("role")] string Role,
        [property: JsonPropertyName("max_budget_in_team")] decimal? MaxBudgetInTeam);
}
