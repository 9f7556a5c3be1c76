using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Providers.Gemini;

/// <summary>
/// A real HTTP server on 127.0.0.1 shaped like Google's Generative Language API (ai.google.dev/api): <c>POST
/// /v1beta/models/{model}:generateContent</c>, <c>:streamGenerateContent</c> (SSE with <c>?alt=sse</c>, else a JSON
/// array as the real API answers) and <c>:batchEmbedContents</c>, with the key in <c>x-goog-api-key</c> (missing → 403
/// PERMISSION_DENIED, wrong → 400 "API key not valid", as Google answers). It refuses, with Google's error JSON, what
/// the real API refuses: unknown fields anywhere (<c>Invalid JSON payload received. Unknown name …</c>, which catches
/// JSON Schema keywords Gemini's Schema lacks), roles other than user and model, empty parts and empty text, parts
/// with no data, undecodable inline data, function responses that do not answer the previous turn's calls one for one,
/// a response schema without the JSON mime type, thinking levels before Gemini 3, and on Gemini 3 function calls
/// without a thought signature of its own (or Google's documented placeholder). The request path, method and body
/// are recorded for the tests to assert.
/// <para>
/// It also serves Vertex AI's path for the same models (<c>/v1/projects/{project}/locations/{location}/publishers/google/
/// models/{model}:…</c>, project <see cref="VertexProject"/> in <see cref="VertexLocation"/>), which takes an OAuth bearer token
/// instead of a key (401 UNAUTHENTICATED otherwise) and <c>gs://</c> file URIs, and Google's OAuth token endpoint
/// (<c>POST /token</c>) for service accounts: it checks the JWT bearer grant (RS256 signature by <see cref="ServiceAccountKey"/>,
/// issuer, audience, scope, lifetime) and issues access tokens the Vertex path then accepts.
/// </para>
/// <para>
/// Models: <c>gemini-2.5-flash</c> (answers; calls the first offered function; answers a function result; JSON when
/// asked; thinks when asked), <c>gemini-3-pro-preview</c> (the same with thought signatures), <c>gemini-2.5-cached</c>
/// (reports cached tokens), <c>gemini-unsafe</c> (SAFETY, no content), <c>gemini-recitation</c> (partial text then
/// RECITATION), <c>gemini-blocked</c> (prompt blocked), <c>gemini-quota</c> (429 + RetryInfo), <c>gemini-overloaded</c>
/// (503), <c>gemini-too-long</c> (400 input token count), <c>gemini-slow</c> (504), <c>gemini-breaks</c> (an error
/// event mid-stream), <c>text-embedding-004</c> and <c>gemini-embedding-001</c> (embeddings). Others are 404.
/// </para>
/// </summary>
public sealed class FakeGemini : IAsyncDisposable
{
    public const string ApiKey = "AIzaFakeGeminiKey0123456789";
    public const int PromptTokens = 12, ThoughtTokens = 5, CachedTokens = 4;
    public const string Answer = "The sky is blue because of Rayleigh scattering.";
    public const string Thought = "Thinking about light and air.";
    public const string JsonAnswer = "{\"colour\":\"blue\",\"reason\":\"Rayleigh scattering\"}";

    static readonly string[] ChatModels =
    [
        "gemini-2.5-flash", "gemini-3-pro-preview", "gemini-2.5-cached", "gemini-unsafe", "gemini-recitation", "gemini-blocked",
        "gemini-quota", "gemini-overloaded", "gemini-too-long", "gemini-slow", "gemini-breaks",
    ];
    static readonly string[] EmbeddingModels = ["text-embedding-004", "gemini-embedding-001"];

    static readonly HashSet<string> RequestFields = ["model", "contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig", "cachedContent"];
    static readonly HashSet<string> VertexRequestFields = [.. RequestFields, "labels"];
    static readonly HashSet<string> ContentFields = ["role", "parts"];
    static readonly HashSet<string> PartFields =
    [
        "text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult",
        "thought", "thoughtSignature", "videoMetadata", "mediaResolution", "partMetadata",
    ];
    static readonly string[] PartData = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"];
    static readonly HashSet<string> GenerationConfigFields =
    [
        "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities", "candidateCount",
        "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs",
        "logprobs", "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig", "imageConfig", "mediaResolution",
    ];
    static readonly HashSet<string> ThinkingConfigFields = ["includeThoughts", "thinkingBudget", "thinkingLevel"];
    static readonly HashSet<string> ToolFields = ["functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution", "urlContext", "computerUse", "fileSearch", "googleMaps"];
    static readonly HashSet<string> FunctionDeclarationFields = ["name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema", "behavior"];
    static readonly HashSet<string> SchemaFields =
    [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum",
    ];
    static readonly HashSet<string> SchemaTypes = ["TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"];
    static readonly HashSet<string> EmbedRequestFields = ["model", "content", "taskType", "title", "outputDimensionality"];

    public const string VertexProject = "acme-ai", VertexLocation = "europe-west4";
    public const string StaticAccessToken = "ya29.static-access-token";
    public const string ServiceAccountEmail = "gateway@acme-ai.iam.gserviceaccount.com", ServiceAccountKeyId = "key-0001";

    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, bool> _signatures = new();
    readonly ConcurrentDictionary<string, bool> _accessTokens = new();

    /// <summary>The public half of the service account's key, against which JWT assertions are verified.</summary>
    public System.Security.Cryptography.RSA? ServiceAccountKey { get; set; }

    /// <summary>Every JWT assertion the token endpoint received (accepted or not).</summary>
    public ConcurrentQueue<string> TokenRequests { get; } = new();

    public sealed record Received(string Path, string Query, JsonObject Body, IReadOnlyDictionary<string, string> Headers);

    public ConcurrentQueue<Received> Requests { get; } = new();

    FakeGemini(WebApplication app) => _app = app;

    /// <summary>The server root (what users put in api_base), e.g. http://127.0.0.1:PORT.</summary>
    public string Root => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<FakeGemini> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGemini(app);
        app.MapPost("/v1beta/models/{**rest}", context => fake.Handle(context, context.Request.RouteValues["rest"]?.ToString() ?? "", vertex: false));
        app.MapPost("/v1/projects/{project}/locations/{location}/publishers/google/models/{**rest}", context =>
            context.Request.RouteValues["project"]?.ToString() != VertexProject || context.Request.RouteValues["location"]?.ToString() != VertexLocation
                ? Error(context, 403, "PERMISSION_DENIED", $"Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/{context.Request.RouteValues["project"]}/locations/{context.Request.RouteValues["location"]}' (or it may not exist).")
                : fake.Handle(context, context.Request.RouteValues["rest"]?.ToString() ?? "", vertex: true));
        app.MapPost("/token", context => fake.Token(context));
        app.MapFallback(context => Error(context, 404, "NOT_FOUND", $"The requested URL {context.Request.Path} was not found on this server."));
        await app.StartAsync();
        return fake;
    }

    async Task Handle(HttpContext context, string rest, bool vertex)
    {
        var request = context.Request;
        JsonObject? body = null;
        try
        {
            body = (await JsonNode.ParseAsync(request.Body))?.AsObject();
        }
        catch (JsonException)
        {
        }
        Requests.Enqueue(new Received(request.Path, request.QueryString.Value ?? "", body ?? [],
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));

        if (vertex)
        {
            var authorization = request.Headers.Authorization.ToString();
            var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
            if (token is null || (token != StaticAccessToken && !_accessTokens.ContainsKey(token)))
            {
                await Error(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
                return;
            }
        }
        else
        {
            var key = request.Headers["x-goog-api-key"].ToString();
            if (key.Length == 0)
            {
                await Error(context, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
                return;
            }
            if (key != ApiKey)
            {
                await Error(context, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
                return;
            }
        }
        if (body is null)
        {
            await Error(context, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected end of string.");
            return;
        }

        var colon = rest.LastIndexOf(':');
        var (model, method) = colon < 0 ? (rest, "") : (rest[..colon], rest[(colon + 1)..]);
        var embedding = method == "batchEmbedContents";
        if (method is not ("generateContent" or "streamGenerateContent" or "batchEmbedContents"))
        {
            await Error(context, 404, "NOT_FOUND", $"The requested URL /v1beta/models/{rest} was not found on this server.");
            return;
        }
        if (!(embedding ? EmbeddingModels : ChatModels).Contains(model))
        {
            await Error(context, 404, "NOT_FOUND", $"models/{model} is not found for API version v1beta, or is not supported for {method}. Call ListModels to see the list of available models and their supported methods.");
            return;
        }

        if (embedding)
        {
            await Embed(context, model, body);
            return;
        }

        if (Problem(body, model, vertex) is { } problem)
        {
            await Error(context, 400, "INVALID_ARGUMENT", problem);
            return;
        }

        switch (model)
        {
            case "gemini-quota":
                await Error(context, 429, "RESOURCE_EXHAUSTED",
                    "You exceeded your current quota, please check your plan and billing details.",
                    new JsonArray(
                        new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.QuotaFailure", ["violations"] = new JsonArray() },
                        new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.RetryInfo", ["retryDelay"] = "37s" }));
                return;
            case "gemini-overloaded":
                await Error(context, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
                return;
            case "gemini-too-long":
                await Error(context, 400, "INVALID_ARGUMENT", "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).");
                return;
            case "gemini-slow":
                await Error(context, 504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.");
                return;
        }

        var stream = method == "streamGenerateContent";
        if (stream && request.Query["alt"] != "sse")
        {
            // Without alt=sse Google streams one JSON array; a client expecting SSE cannot read it.
            context.Response.ContentType = "application/json; charset=UTF-8";
            await context.Response.WriteAsync(new JsonArray(Response(body, model, Candidates(body, model))).ToJsonString());
            return;
        }
        if (stream)
            await Stream(context, body, model);
        else
            await Json(context, 200, Response(body, model, Candidates(body, model)));
    }

    // ---- answers -------------------------------------------------------------------------------------------------

    sealed record Candidate(JsonArray? Parts, string? FinishReason, int OutputTokens);

    /// <summary>What the model says: blocked, filtered, a function call, an answer to a function result, JSON, or text.</summary>
    List<Candidate> Candidates(JsonObject body, string model)
    {
        var config = body["generationConfig"] as JsonObject;
        var count = config?["candidateCount"]?.GetValue<int>() ?? 1;
        var candidates = new List<Candidate>();
        if (model == "gemini-blocked")
            return candidates;
        if (model == "gemini-unsafe")
        {
            candidates.Add(new Candidate(null, "SAFETY", 0));
            return candidates;
        }

        for (var i = 0; i < count; i++)
        {
            var parts = new JsonArray();
            var thinking = config?["thinkingConfig"] as JsonObject;
            if (thinking?["includeThoughts"]?.GetValue<bool>() == true)
                parts.Add(new JsonObject { ["text"] = Thought, ["thought"] = true });

            var contents = body["contents"]!.AsArray();
            var last = contents[^1]!.AsObject();
            var results = last["parts"]!.AsArray().Select(p => p!["functionResponse"]).OfType<JsonObject>().ToList();
            var mode = body["toolConfig"]?["functionCallingConfig"]?["mode"]?.GetValue<string>() ?? "AUTO";
            var declarations = body["tools"]?.AsArray().Select(t => t!["functionDeclarations"]).OfType<JsonArray>().SelectMany(d => d).ToList() ?? [];
            string text;
            var finish = "STOP";
            if (results.Count > 0)
            {
                var response = results[0]["response"]!.AsObject();
                var value = response["content"]?.ToString() ?? response["temperature"]?.ToString() ?? response.ToJsonString();
                text = $"It is {value} in Paris.";
            }
            else if (declarations.Count > 0 && mode != "NONE")
            {
                var allowed = body["toolConfig"]?["functionCallingConfig"]?["allowedFunctionNames"]?.AsArray().Select(n => n!.GetValue<string>()).FirstOrDefault();
                var name = allowed ?? declarations[0]!["name"]!.GetValue<string>();
                var call = new JsonObject
                {
                    ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = new JsonObject { ["location"] = "Paris, FR", ["unit"] = "celsius" } },
                };
                if (model.StartsWith("gemini-3", StringComparison.Ordinal))
                {
                    var signature = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
                    _signatures[signature] = true;
                    call["thoughtSignature"] = signature;
                }
                parts.Add(call);
                candidates.Add(new Candidate(parts, "STOP", 7));
                continue;
            }
            else if (config?["responseMimeType"]?.GetValue<string>() == "application/json")
            {
                text = JsonAnswer;
            }
            else
            {
                var media = contents.SelectMany(c => c!["parts"]!.AsArray()).Count(p => p!["inlineData"] is not null || p["fileData"] is not null);
                text = media > 0 ? $"I see {media} picture{(media == 1 ? "" : "s")}." : Answer;
            }
            if (i > 0)
                text += $" (take {i + 1})";

            if (config?["stopSequences"] is JsonArray stops)
                foreach (var stop in stops.Select(s => s!.GetValue<string>()))
                    if (text.IndexOf(stop, StringComparison.Ordinal) is var at and >= 0)
                        text = text[..at];
            var words = text.Split(' ');
            if (config?["maxOutputTokens"]?.GetValue<int>() is { } max && max < words.Length)
            {
                text = string.Join(' ', words.Take(max));
                finish = "MAX_TOKENS";
            }
            if (model == "gemini-recitation")
            {
                text = string.Join(' ', words.Take(3));
                finish = "RECITATION";
            }
            parts.Add(new JsonObject { ["text"] = text });
            candidates.Add(new Candidate(parts, finish, text.Split(' ').Length));
        }
        return candidates;
    }

    static bool Thinks(JsonObject body) =>
        body["generationConfig"]?["thinkingConfig"] is JsonObject thinking
        && (thinking["thinkingBudget"]?.GetValue<int>() > 0 || thinking["thinkingLevel"] is not null);

    JsonObject Response(JsonObject body, string model, List<Candidate> candidates, bool final = true)
    {
        var response = new JsonObject();
        if (model == "gemini-blocked")
        {
            response["promptFeedback"] = new JsonObject
            {
                ["blockReason"] = "SAFETY",
                ["safetyRatings"] = new JsonArray(new JsonObject { ["category"] = "HARM_CATEGORY_DANGEROUS_CONTENT", ["probability"] = "HIGH" }),
            };
        }
        else
        {
            var list = new JsonArray();
            for (var i = 0; i < candidates.Count; i++)
            {
                var candidate = new JsonObject();
                if (candidates[i].Parts is { } parts)
                    candidate["content"] = new JsonObject { ["parts"] = parts.DeepClone(), ["role"] = "model" };
                if (final && candidates[i].FinishReason is { } reason)
                    candidate["finishReason"] = reason;
                candidate["index"] = i;
                if (candidates[i].FinishReason == "SAFETY")
                    candidate["safetyRatings"] = new JsonArray(new JsonObject { ["category"] = "HARM_CATEGORY_DANGEROUS_CONTENT", ["probability"] = "HIGH", ["blocked"] = true });
                list.Add(candidate);
            }
            response["candidates"] = list;
        }
        response["usageMetadata"] = Usage(body, model, candidates.Sum(c => c.OutputTokens));
        response["modelVersion"] = model;
        response["responseId"] = "fake-" + Guid.NewGuid().ToString("N")[..12];
        return response;
    }

    static JsonObject Usage(JsonObject body, string model, int output)
    {
        var thoughts = Thinks(body) ? ThoughtTokens : 0;
        var usage = new JsonObject { ["promptTokenCount"] = PromptTokens };
        if (output > 0)
            usage["candidatesTokenCount"] = output;
        usage["totalTokenCount"] = PromptTokens + output + thoughts;
        if (model == "gemini-2.5-cached")
            usage["cachedContentTokenCount"] = CachedTokens;
        usage["promptTokensDetails"] = new JsonArray(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = PromptTokens });
        if (thoughts > 0)
            usage["thoughtsTokenCount"] = thoughts;
        return usage;
    }

    /// <summary>One event per piece of text (word by word), function calls whole; usage on every event, the finish on the last.</summary>
    async Task Stream(HttpContext context, JsonObject body, string model)
    {
        context.Response.ContentType = "text/event-stream";
        var candidates = Candidates(body, model);
        if (candidates.Count == 0)
        {
            await Event(context, Response(body, model, candidates));
            return;
        }

        var produced = 0;
        var events = new List<List<Candidate>>();
        foreach (var (candidate, index) in candidates.Select((c, i) => (c, i)))
        {
            var pieces = new List<JsonNode>();
            foreach (var part in candidate.Parts ?? [])
            {
                if (part!["text"] is JsonValue text && part["thought"] is null)
                {
                    var words = text.GetValue<string>().Split(' ');
                    pieces.AddRange(words.Select((w, i) => (JsonNode)new JsonObject { ["text"] = i == 0 ? w : " " + w }));
                }
                else
                {
                    pieces.Add(part.DeepClone());
                }
            }
            for (var i = 0; i < pieces.Count; i++)
            {
                while (events.Count <= i)
                    events.Add(Enumerable.Range(0, candidates.Count).Select(_ => new Candidate(null, null, 0)).ToList());
                events[i][index] = new Candidate(new JsonArray(pieces[i].DeepClone()), null, 0);
            }
            if (pieces.Count == 0)
            {
                if (events.Count == 0)
                    events.Add(Enumerable.Range(0, candidates.Count).Select(_ => new Candidate(null, null, 0)).ToList());
            }
        }

        for (var e = 0; e < events.Count; e++)
        {
            if (model == "gemini-breaks" && e == 2)
            {
                await Event(context, new JsonObject
                {
                    ["error"] = new JsonObject { ["code"] = 500, ["message"] = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting", ["status"] = "INTERNAL" },
                });
                return;
            }
            var last = e == events.Count - 1;
            var step = events[e].Select((c, i) => new Candidate(c.Parts, last ? candidates[i].FinishReason : null, 0)).ToList();
            produced = last ? candidates.Sum(c => c.OutputTokens) : produced + 1;
            var response = Response(body, model, step, final: last);
            response["usageMetadata"] = Usage(body, model, produced);
            // Candidates that have nothing in this event are left out, as Gemini leaves them out.
            if (response["candidates"] is JsonArray list)
                foreach (var empty in list.Where(c => c!["content"] is null && c["finishReason"] is null).ToList())
                    list.Remove(empty);
            await Event(context, response);
        }
    }

    async Task Embed(HttpContext context, string model, JsonObject body)
    {
        foreach (var (name, _) in body)
            if (name != "requests")
            {
                await Error(context, 400, "INVALID_ARGUMENT", $"Invalid JSON payload received. Unknown name \"{name}\": Cannot find field.");
                return;
            }
        if (body["requests"] is not JsonArray requests || requests.Count == 0)
        {
            await Error(context, 400, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests: at least one request is required");
            return;
        }
        var embeddings = new JsonArray();
        for (var i = 0; i < requests.Count; i++)
        {
            var item = requests[i] as JsonObject;
            if (item?.Select(p => p.Key).FirstOrDefault(k => !EmbedRequestFields.Contains(k)) is { } unknown)
            {
                await Error(context, 400, "INVALID_ARGUMENT", $"Invalid JSON payload received. Unknown name \"{unknown}\" at 'requests[{i}]': Cannot find field.");
                return;
            }
            if (item!["model"]?.GetValue<string>() != $"models/{model}")
            {
                await Error(context, 400, "INVALID_ARGUMENT", $"* BatchEmbedContentsRequest.requests[{i}].model: unexpected model name format");
                return;
            }
            var parts = item["content"]?["parts"] as JsonArray;
            if (parts is null || parts.Count == 0 || parts.Any(p => p?["text"] is not JsonValue))
            {
                await Error(context, 400, "INVALID_ARGUMENT", $"* BatchEmbedContentsRequest.requests[{i}].content.parts: contents.parts must not be empty.");
                return;
            }
            var dimensions = item["outputDimensionality"]?.GetValue<int>() ?? 4;
            var values = new JsonArray();
            for (var d = 0; d < dimensions; d++)
                values.Add(0.25 * (i + 1) + d / 100.0);
            embeddings.Add(new JsonObject { ["values"] = values });
        }
        await Json(context, 200, new JsonObject { ["embeddings"] = embeddings });
    }

    /// <summary>Google's OAuth 2 token endpoint for the JWT bearer grant (developers.google.com/identity/protocols/oauth2/service-account).</summary>
    async Task Token(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var assertion = form["assertion"].ToString();
        TokenRequests.Enqueue(assertion);
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            await Json(context, 400, new JsonObject { ["error"] = "unsupported_grant_type", ["error_description"] = "Invalid grant_type: " + form["grant_type"] });
            return;
        }
        if (AssertionProblem(assertion) is { } problem)
        {
            await Json(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = problem });
            return;
        }
        var token = "ya29.fake-" + Guid.NewGuid().ToString("N");
        _accessTokens[token] = true;
        await Json(context, 200, new JsonObject { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" });
    }

    string? AssertionProblem(string assertion)
    {
        var pieces = assertion.Split('.');
        if (pieces.Length != 3)
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe";
        static byte[] Decode(string text) =>
            Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
        var header = JsonNode.Parse(Decode(pieces[0]))!.AsObject();
        var claims = JsonNode.Parse(Decode(pieces[1]))!.AsObject();
        if (header["alg"]?.GetValue<string>() != "RS256" || header["kid"]?.GetValue<string>() != ServiceAccountKeyId)
            return "Invalid JWT header.";
        var signed = Encoding.ASCII.GetBytes(pieces[0] + "." + pieces[1]);
        if (ServiceAccountKey is null || !ServiceAccountKey.VerifyData(signed, Decode(pieces[2]),
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1))
            return "Invalid JWT Signature.";
        if (claims["iss"]?.GetValue<string>() != ServiceAccountEmail)
            return "Invalid issuer.";
        if (claims["aud"]?.GetValue<string>() != Root.TrimEnd('/') + "/token")
            return "Invalid JWT: audience does not match the token endpoint.";
        if (claims["scope"]?.GetValue<string>()?.Split(' ').Contains("https://www.googleapis.com/auth/cloud-platform") != true)
            return "Invalid scope.";
        var issued = claims["iat"]!.GetValue<long>();
        var expires = claims["exp"]!.GetValue<long>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (expires - issued > 3600 || Math.Abs(now - issued) > 300)
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
        return null;
    }

    // ---- validation ----------------------------------------------------------------------------------------------

    /// <summary>What the real API would refuse in this body, as its message; null when the body is acceptable.</summary>
    string? Problem(JsonObject body, string model, bool vertex)
    {
        if (Unknown(body, vertex ? VertexRequestFields : RequestFields, null) is { } unknown)
            return unknown;
        if (body["contents"] is not JsonArray contents || contents.Count == 0)
            return "* GenerateContentRequest.contents: contents is not specified";

        if (body["systemInstruction"] is { } system)
        {
            if (system is not JsonObject instruction || Unknown(instruction, ContentFields, "system_instruction") is { } bad)
                return "Invalid JSON payload received. Unknown name in 'system_instruction'.";
            if (instruction["parts"] is not JsonArray systemParts || systemParts.Count == 0)
                return "* GenerateContentRequest.system_instruction.parts: contents.parts must not be empty.";
            if (systemParts.Any(p => p?["text"] is not JsonValue t || t.GetValue<string>().Length == 0))
                return "* GenerateContentRequest.system_instruction.parts: only non-empty text parts are allowed.";
        }

        var gemini3 = model.StartsWith("gemini-3", StringComparison.Ordinal);
        JsonArray? previous = null;
        for (var c = 0; c < contents.Count; c++)
        {
            if (contents[c] is not JsonObject content)
                return $"* GenerateContentRequest.contents[{c}]: must be an object";
            if (Unknown(content, ContentFields, $"contents[{c}]") is { } badContent)
                return badContent;
            var role = content["role"]?.GetValue<string>();
            if (role is not ("user" or "model"))
                return "Please use a valid role: user, model.";
            if (content["parts"] is not JsonArray parts || parts.Count == 0)
                return $"* GenerateContentRequest.contents[{c}].parts: contents.parts must not be empty.";

            var calls = 0;
            for (var p = 0; p < parts.Count; p++)
            {
                if (parts[p] is not JsonObject part)
                    return $"* GenerateContentRequest.contents[{c}].parts[{p}]: must be an object";
                if (PartProblem(part, $"contents[{c}].parts[{p}]", vertex) is { } badPart)
                    return badPart;
                if (part["functionCall"] is not null)
                {
                    if (role != "model")
                        return "Please ensure that function call turn comes immediately after a user turn or after a function response turn.";
                    if (gemini3 && calls == 0)
                    {
                        var signature = part["thoughtSignature"]?.GetValue<string>();
                        if (signature is null)
                            return $"Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:{part["functionCall"]!["name"]}` , position {c + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.";
                        if (signature != "skip_thought_signature_validator" && !_signatures.ContainsKey(signature))
                            return "Corrupted thought signature.";
                    }
                    calls++;
                }
            }

            var responses = parts.Count(p => p!["functionResponse"] is not null);
            if (responses > 0)
            {
                var previousCalls = previous?.Count(p => p!["functionCall"] is not null) ?? 0;
                if (role != "user" || previousCalls == 0)
                    return "Please ensure that function response turn comes immediately after a function call turn.";
                if (previousCalls != responses)
                    return "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
                var callNames = previous!.Select(p => p!["functionCall"]?["name"]?.GetValue<string>()).Where(n => n is not null).ToHashSet();
                if (parts.Select(p => p!["functionResponse"]?["name"]?.GetValue<string>()).Any(n => n is not null && !callNames.Contains(n)))
                    return "Please ensure that the function response names match the function call names.";
            }
            previous = parts;
        }

        if (body["tools"] is { } tools && ToolsProblem(tools) is { } badTools)
            return badTools;
        if (body["toolConfig"] is { } toolConfig)
        {
            if (toolConfig is not JsonObject config || Unknown(config, ["functionCallingConfig", "retrievalConfig"], "tool_config") is { } bad)
                return "Invalid JSON payload received. Unknown name at 'tool_config'.";
            if (config["functionCallingConfig"] is JsonObject calling)
            {
                if (Unknown(calling, ["mode", "allowedFunctionNames"], "tool_config.function_calling_config") is { } badCalling)
                    return badCalling;
                if (calling["mode"]?.GetValue<string>() is not ("AUTO" or "ANY" or "NONE" or "VALIDATED" or "MODE_UNSPECIFIED"))
                    return $"Invalid value at 'tool_config.function_calling_config.mode' ({calling["mode"]?.ToJsonString()})";
            }
        }

        if (body["generationConfig"] is { } generation)
        {
            if (generation is not JsonObject config)
                return "Invalid JSON payload received. Expected an object at 'generation_config'.";
            if (Unknown(config, GenerationConfigFields, "generation_config") is { } badConfig)
                return badConfig;
            if (config["responseSchema"] is { } schema)
            {
                if (config["responseMimeType"]?.GetValue<string>() != "application/json")
                    return "* GenerateContentRequest.generation_config.response_mime_type: must be application/json when response_schema is set.";
                if (SchemaProblem(schema, "generation_config.response_schema") is { } badSchema)
                    return badSchema;
            }
            if (config["stopSequences"] is JsonArray stops && stops.Count > 5)
                return "* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences are allowed.";
            if (config["thinkingConfig"] is { } thinkingNode)
            {
                if (thinkingNode is not JsonObject thinking || Unknown(thinking, ThinkingConfigFields, "generation_config.thinking_config") is { } badThinking)
                    return "Invalid JSON payload received. Unknown name at 'generation_config.thinking_config'.";
                if (thinking["thinkingLevel"] is not null && !gemini3)
                    return "Thinking level is not supported for this model.";
                if (thinking["thinkingLevel"] is not null && thinking["thinkingBudget"] is not null)
                    return "You can only set only one of thinking budget and thinking level.";
            }
            if (gemini3 && (config["presencePenalty"] is not null || config["frequencyPenalty"] is not null))
                return $"Penalty is not enabled for models/{model}";
        }
        return null;
    }

    static string? PartProblem(JsonObject part, string at, bool vertex)
    {
        if (Unknown(part, PartFields, at) is { } unknown)
            return unknown;
        var data = PartData.Count(name => part[name] is not null);
        if (data != 1)
            return $"* GenerateContentRequest.{at}.data: required oneof field 'data' must have one initialized field";
        if (part["text"] is { } text && (text.GetValueKind() != JsonValueKind.String || text.GetValue<string>().Length == 0))
            return $"* GenerateContentRequest.{at}.text: Unable to submit request because it has an empty text parameter.";
        if (part["inlineData"] is { } inline)
        {
            if (inline is not JsonObject blob || Unknown(blob, ["mimeType", "data"], $"{at}.inline_data") is { } badBlob)
                return $"Invalid JSON payload received. Unknown name at '{at}.inline_data'.";
            if (blob["mimeType"] is null)
                return $"* GenerateContentRequest.{at}.inline_data.mime_type: mime_type is required";
            try
            {
                Convert.FromBase64String(blob["data"]!.GetValue<string>());
            }
            catch (Exception ex) when (ex is FormatException or NullReferenceException)
            {
                return $"Invalid value at '{at}.inline_data.data' (TYPE_BYTES), Base64 decoding failed";
            }
        }
        if (part["fileData"] is { } file)
        {
            if (file is not JsonObject fileData || Unknown(fileData, ["mimeType", "fileUri"], $"{at}.file_data") is { } badFile)
                return $"Invalid JSON payload received. Unknown name at '{at}.file_data'.";
            if (fileData["fileUri"]?.GetValue<string>() is not { Length: > 0 } uri
                || !(uri.StartsWith("https://", StringComparison.Ordinal) || vertex && uri.StartsWith("gs://", StringComparison.Ordinal)))
                return $"* GenerateContentRequest.{at}.file_data.file_uri: Unsupported file uri.";
        }
        if (part["functionCall"] is { } call)
        {
            if (call is not JsonObject function || Unknown(function, ["id", "name", "args"], $"{at}.function_call") is { } badCall)
                return $"Invalid JSON payload received. Unknown name at '{at}.function_call'.";
            if (function["name"] is null)
                return $"* GenerateContentRequest.{at}.function_call.name: name is required";
            if (function["args"] is { } args && args is not JsonObject)
                return $"Invalid value at '{at}.function_call.args' (type.googleapis.com/google.protobuf.Struct)";
        }
        if (part["functionResponse"] is { } response)
        {
            if (response is not JsonObject result || Unknown(result, ["id", "name", "response", "parts", "willContinue", "scheduling"], $"{at}.function_response") is { } badResult)
                return $"Invalid JSON payload received. Unknown name at '{at}.function_response'.";
            if (result["name"] is null)
                return $"* GenerateContentRequest.{at}.function_response.name: name is required";
            if (result["response"] is not JsonObject)
                return $"Invalid value at '{at}.function_response.response' (type.googleapis.com/google.protobuf.Struct)";
        }
        return null;
    }

    static string? ToolsProblem(JsonNode tools)
    {
        if (tools is not JsonArray list)
            return "Invalid value at 'tools', expected a list";
        for (var t = 0; t < list.Count; t++)
        {
            if (list[t] is not JsonObject tool || Unknown(tool, ToolFields, $"tools[{t}]") is { } badTool)
                return $"Invalid JSON payload received. Unknown name at 'tools[{t}]': Cannot find field.";
            if (tool["functionDeclarations"] is not JsonArray declarations)
                continue;
            for (var f = 0; f < declarations.Count; f++)
            {
                var at = $"tools[{t}].function_declarations[{f}]";
                if (declarations[f] is not JsonObject declaration)
                    return $"* GenerateContentRequest.{at}: must be an object";
                if (Unknown(declaration, FunctionDeclarationFields, at) is { } badDeclaration)
                    return badDeclaration;
                if (declaration["name"]?.GetValue<string>() is not { Length: > 0 })
                    return $"* GenerateContentRequest.{at}.name: [FIELD_INVALID] Invalid function name.";
                if (declaration["parameters"] is { } parameters && SchemaProblem(parameters, $"{at}.parameters") is { } badSchema)
                    return badSchema;
            }
        }
        return null;
    }

    static string? SchemaProblem(JsonNode node, string at)
    {
        if (node is not JsonObject schema)
            return $"Invalid value at '{at}', expected an object";
        if (Unknown(schema, SchemaFields, at) is { } unknown)
            return unknown;
        if (schema["type"] is { } type && (type.GetValueKind() != JsonValueKind.String || !SchemaTypes.Contains(type.GetValue<string>().ToUpperInvariant())))
            return $"Invalid value at '{at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), {type.ToJsonString()}";
        if (schema["properties"] is { } properties)
        {
            if (properties is not JsonObject map)
                return $"Invalid value at '{at}.properties'";
            if (map.Count == 0)
                return $"* GenerateContentRequest.{at}.properties: should be non-empty for OBJECT type";
            foreach (var (name, child) in map)
                if (SchemaProblem(child!, $"{at}.properties[{name}].value") is { } bad)
                    return bad;
        }
        if (schema["items"] is { } items && SchemaProblem(items, $"{at}.items") is { } badItems)
            return badItems;
        if (schema["anyOf"] is JsonArray anyOf)
            for (var i = 0; i < anyOf.Count; i++)
                if (SchemaProblem(anyOf[i]!, $"{at}.any_of[{i}]") is { } badOption)
                    return badOption;
        if (schema["enum"] is { } values && values is not JsonArray)
            return $"Invalid value at '{at}.enum'";
        return null;
    }

    /// <summary>Google's JSON parser takes both spellings of a field (camelCase and snake_case) and refuses any other name.</summary>
    static string? Unknown(JsonObject node, HashSet<string> known, string? at)
    {
        foreach (var (name, _) in node)
            if (!known.Contains(name) && !known.Contains(Camel(name)))
                return at is null
                    ? $"Invalid JSON payload received. Unknown name \"{name}\": Cannot find field."
                    : $"Invalid JSON payload received. Unknown name \"{name}\" at '{at}': Cannot find field.";
        return null;
    }

    static string Camel(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upper = false;
        foreach (var c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return builder.ToString();
    }

    // ---- wire ----------------------------------------------------------------------------------------------------

    static async Task Event(HttpContext context, JsonNode data)
    {
        await context.Response.WriteAsync("data: " + data.ToJsonString() + "\r\n\r\n");
        await context.Response.Body.FlushAsync();
    }

    static Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    static Task Error(HttpContext context, int status, string statusName, string message, JsonArray? details = null)
    {
        var error = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = statusName };
        if (details is not null)
            error["details"] = details;
        return Json(context, status, new JsonObject { ["error"] = error });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
