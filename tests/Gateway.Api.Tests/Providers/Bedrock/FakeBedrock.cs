using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Providers.Bedrock;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks Bedrock Runtime's Converse API as AWS documents it:
/// <c>POST /model/{modelId}/converse</c> (JSON) and <c>/converse-stream</c> (binary event stream). It authenticates each
/// request as AWS does — a Bedrock API key as a bearer token, or a Signature Version 4 it recomputes on its own from the
/// raw request (path as sent, headers, body hash) — and refuses a body that is not Converse's shape with AWS's 400
/// ValidationException, so a wrong signature or translation fails the test. The model id picks a behaviour
/// (see <see cref="Behaviour"/>); every request is kept for assertions.
/// </summary>
public sealed class FakeBedrock : IAsyncDisposable
{
    public const string Model = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    public const string AccessKey = "AKIAFAKEBEDROCK00001";
    public const string SecretKey = "fakeSecret/Key+0123456789abcdefghijklmnop";
    public const string TempAccessKey = "ASIAFAKEBEDROCK00002";
    public const string TempSecretKey = "tempSecret/Key+0123456789abcdefghijklmno";
    public const string SessionToken = "IQoJb3JpZ2luX2VjEFAKE//////////sessiontoken==";
    public const string ApiKey = "ABSKQmVkcm9ja0FQSUtleS1mYWtl";
    public const string Region = "eu-west-1";

    readonly WebApplication _app;

    public sealed record Received(string RawPath, string ModelId, string Operation, JsonObject Body, IReadOnlyDictionary<string, string> Headers);

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Why each refused request was refused (signature or shape), to show in a failing assertion.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    FakeBedrock(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<FakeBedrock> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeBedrock(app);
        app.Run(fake.Handle);
        await app.StartAsync();
        return fake;
    }

    async Task Handle(HttpContext context)
    {
        // The path exactly as sent: the signature covers it, and Kestrel's Request.Path is already decoded.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var rawPath = rawTarget.Split('?')[0];
        var segments = rawPath.Split('/');
        if (context.Request.Method != "POST" || segments.Length != 4 || segments[1] != "model" || segments[3] is not ("converse" or "converse-stream"))
        {
            await Refuse(context, 404, "UnknownOperationException", $"no operation at {context.Request.Method} {rawTarget}");
            return;
        }
        var modelId = Uri.UnescapeDataString(segments[2]);
        var stream = segments[3] == "converse-stream";

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var bodyBytes = buffer.ToArray();

        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        if (Authenticate(context.Request, rawPath, headers, bodyBytes) is { } authProblem)
        {
            await Refuse(context, 403, authProblem.Type, authProblem.Message);
            return;
        }

        JsonObject body;
        try
        {
            body = JsonNode.Parse(bodyBytes)!.AsObject();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            await Refuse(context, 400, "SerializationException", ex.Message);
            return;
        }
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await Refuse(context, 415, "UnsupportedMediaTypeException", "Content-Type must be application/json");
            return;
        }
        if (ConverseShape.Problem(body) is { } shapeProblem)
        {
            await Refuse(context, 400, "ValidationException", shapeProblem);
            return;
        }

        Requests.Enqueue(new Received(rawPath, modelId, segments[3], body, headers));
        await Behaviour(context, modelId, stream, body);
    }

    /// <summary>The scenario named by the model id; a plain model id answers normally.</summary>
    static async Task Behaviour(HttpContext context, string modelId, bool stream, JsonObject body)
    {
        switch (modelId)
        {
            case "fake.throttled-v1:0":
                await Error(context, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
                return;
            case "fake.too-long-v1:0":
                await Error(context, 400, "ValidationException", "Input is too long for requested model.");
                return;
            case "fake.denied-v1:0":
                await Error(context, 403, "AccessDeniedException", "You don't have access to the model with the specified model ID.");
                return;
            case "fake.not-ready-v1:0":
                await Error(context, 429, "ModelNotReadyException", "Model is not ready for inference. Wait and try your request again.");
                return;
            case "fake.model-timeout-v1:0":
                await Error(context, 408, "ModelTimeoutException", "Model has timed out in processing the request.");
                return;
            case "fake.unavailable-v1:0":
                await Error(context, 503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
                return;
        }

        var answer = Answer(modelId, body);
        if (stream)
            await Stream(context, modelId, answer);
        else
            await Json(context, 200, answer.ToConverse());
    }

    /// <summary>What the model "says": a tool call when it has tools and no result yet, else text.</summary>
    sealed record Reply(string? Text, string? ToolName, string? ToolInput, string StopReason, JsonObject Usage)
    {
        public JsonObject ToConverse()
        {
            var content = new JsonArray();
            if (Text is not null)
                content.Add(new JsonObject { ["text"] = Text });
            if (ToolName is not null)
                content.Add(new JsonObject { ["toolUse"] = new JsonObject { ["toolUseId"] = "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", ["name"] = ToolName, ["input"] = JsonNode.Parse(ToolInput!) } });
            return new JsonObject
            {
                ["output"] = new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content } },
                ["stopReason"] = StopReason,
                ["usage"] = Usage.DeepClone(),
                ["metrics"] = new JsonObject { ["latencyMs"] = 321 },
            };
        }
    }

    static Reply Answer(string modelId, JsonObject body)
    {
        var usage = new JsonObject
        {
            ["inputTokens"] = 12, ["outputTokens"] = 7, ["totalTokens"] = 25,
            ["cacheReadInputTokens"] = 4, ["cacheWriteInputTokens"] = 2,
        };
        var stopReason = modelId switch
        {
            "fake.max-tokens-v1:0" => "max_tokens",
            "fake.guardrail-v1:0" => "guardrail_intervened",
            "fake.content-filtered-v1:0" => "content_filtered",
            "fake.stop-sequence-v1:0" => "stop_sequence",
            _ => "end_turn",
        };

        var toolConfig = body["toolConfig"]?.AsObject();
        var forced = toolConfig?["toolChoice"]?["tool"]?["name"]?.GetValue<string>();
        if (forced is not null)
            return new Reply(null, forced, """{"name":"Ada","age":36}""", "tool_use", usage);

        var messages = body["messages"]!.AsArray();
        var last = messages[^1]!["content"]!.AsArray();
        var answered = last.Any(b => b!.AsObject().ContainsKey("toolResult"));
        if (toolConfig is not null && !answered)
        {
            var tool = toolConfig["tools"]![0]!["toolSpec"]!["name"]!.GetValue<string>();
            return new Reply("Let me check the weather.", tool, """{"city":"Paris","unit":"celsius"}""", "tool_use", usage);
        }
        if (answered)
        {
            var result = last.First(b => b!.AsObject().ContainsKey("toolResult"))!["toolResult"]!["content"]![0]!["text"]!.GetValue<string>();
            return new Reply($"The tool said: {result}", null, null, "end_turn", usage);
        }
        return new Reply("Hello from the fake Bedrock!", null, null, stopReason, usage);
    }

    /// <summary>
    /// ConverseStream's event stream, with AWS's "p" padding field in each payload. Frames are deliberately written in two
    /// pieces with a flush between, so the gateway's decoder meets messages split across reads.
    /// </summary>
    static async Task Stream(HttpContext context, string modelId, Reply reply)
    {
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        const string pad = "abcdefghijklmnopqrstuvwxyzABCDEFGH";

        await Send(context, EventStreamEncoder.Event("messageStart", $$"""{"p":"{{pad}}","role":"assistant"}"""));
        var block = 0;
        if (reply.Text is not null)
        {
            var words = reply.Text.Split(' ');
            for (var i = 0; i < words.Length; i++)
            {
                if (modelId == "fake.stream-throttled-v1:0" && i == 2)
                {
                    await Send(context, EventStreamEncoder.Exception("throttlingException", "Too many tokens, please wait before trying again."));
                    return;
                }
                if (modelId == "fake.stream-corrupt-v1:0" && i == 2)
                {
                    var frame = EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"x"}}""");
                    frame[^1] ^= 0xFF;
                    await Send(context, frame);
                    return;
                }
                var piece = (i == 0 ? "" : " ") + words[i];
                await Send(context, EventStreamEncoder.Event("contentBlockDelta",
                    $$"""{"contentBlockIndex":{{block}},"delta":{"text":{{JsonSerializer.Serialize(piece)}}},"p":"{{pad[..(i % 10 + 1)]}}"}"""));
            }
            await Send(context, EventStreamEncoder.Event("contentBlockStop", $$"""{"contentBlockIndex":{{block}},"p":"{{pad}}"}"""));
            block++;
        }
        if (reply.ToolName is not null)
        {
            await Send(context, EventStreamEncoder.Event("contentBlockStart",
                $$$$"""{"contentBlockIndex":{{{{block}}}},"p":"{{{{pad}}}}","start":{"toolUse":{"name":"{{{{reply.ToolName}}}}","toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q"}}}"""));
            var input = reply.ToolInput!;
            var cut = input.Length / 2;
            foreach (var fragment in new[] { "", input[..cut], input[cut..] })
                await Send(context, EventStreamEncoder.Event("contentBlockDelta",
                    $$$"""{"contentBlockIndex":{{{block}}},"delta":{"toolUse":{"input":{{{JsonSerializer.Serialize(fragment)}}}}},"p":"{{{pad}}}"}"""));
            await Send(context, EventStreamEncoder.Event("contentBlockStop", $$"""{"contentBlockIndex":{{block}},"p":"{{pad}}"}"""));
        }
        await Send(context, EventStreamEncoder.Event("messageStop", $$"""{"p":"{{pad}}","stopReason":"{{reply.StopReason}}"}"""));
        await Send(context, EventStreamEncoder.Event("metadata",
            $$"""{"metrics":{"latencyMs":412},"p":"{{pad}}","usage":{{reply.Usage.ToJsonString()}}}"""));
    }

    static async Task Send(HttpContext context, byte[] frame)
    {
        var half = frame.Length / 2;
        await context.Response.Body.WriteAsync(frame.AsMemory(0, half));
        await context.Response.Body.FlushAsync();
        await Task.Delay(2);
        await context.Response.Body.WriteAsync(frame.AsMemory(half));
        await context.Response.Body.FlushAsync();
    }

    (string Type, string Message)? Authenticate(HttpRequest request, string rawPath, Dictionary<string, string> headers, byte[] body)
    {
        if (!headers.TryGetValue("authorization", out var authorization))
            return ("MissingAuthenticationTokenException", "Missing Authentication Token");

        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            return authorization == $"Bearer {ApiKey}" ? null : ("UnrecognizedClientException", "Invalid API Key format: Must start with pre-defined prefix");

        var problem = SigV4Check.Verify(request.Method, rawPath, headers, body, Credentials, Region, "bedrock", DateTimeOffset.UtcNow);
        if (problem is not null)
            Refusals.Enqueue(problem);
        return problem is null ? null : ("InvalidSignatureException", problem);
    }

    static readonly IReadOnlyDictionary<string, (string Secret, string? Token)> Credentials = new Dictionary<string, (string, string?)>
    {
        [AccessKey] = (SecretKey, null),
        [TempAccessKey] = (TempSecretKey, SessionToken),
    };

    async Task Refuse(HttpContext context, int status, string type, string message)
    {
        Refusals.Enqueue($"{type}: {message}");
        await Error(context, status, type, message);
    }

    static Task Error(HttpContext context, int status, string type, string message)
    {
        context.Response.Headers["x-amzn-ErrorType"] = $"{type}:http://internal.amazon.com/coral/com.amazon.bedrock/";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        return Json(context, status, new JsonObject { ["message"] = message });
    }

    static Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// The server side of Signature Version 4, written apart from the gateway's signer: it reads the Authorization
    /// header, checks the credential scope, the signed headers, the date and the body hash, and recomputes the signature
    /// from the request as received.
    /// </summary>
    static class SigV4Check
    {
        public static string? Verify(string method, string rawPath, Dictionary<string, string> headers, byte[] body,
            IReadOnlyDictionary<string, (string Secret, string? Token)> known, string region, string service, DateTimeOffset now)
        {
            var authorization = headers["authorization"];
            const string algorithm = "AWS4-HMAC-SHA256 ";
            if (!authorization.StartsWith(algorithm, StringComparison.Ordinal))
                return $"unsupported algorithm in '{authorization}'";

            var fields = authorization[algorithm.Length..].Split(", ")
                .Select(f => f.Split('=', 2))
                .ToDictionary(f => f[0], f => f.Length > 1 ? f[1] : "");
            if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedList)
                || !fields.TryGetValue("Signature", out var signature))
                return $"the Authorization header lacks Credential, SignedHeaders or Signature: '{authorization}'";

            var scope = credential.Split('/');
            if (scope.Length != 5 || scope[4] != "aws4_request")
                return $"malformed credential scope '{credential}'";
            if (!known.TryGetValue(scope[0], out var secret))
                return $"unknown access key {scope[0]}";
            if (scope[2] != region || scope[3] != service)
                return $"credential scope {scope[2]}/{scope[3]} is not {region}/{service}";

            if (!headers.TryGetValue("x-amz-date", out var amzDate)
                || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
                return "missing or malformed x-amz-date";
            if (Math.Abs((now - signedAt).TotalMinutes) > 5)
                return $"Signature expired: {amzDate} is more than 5 minutes from now";
            if (scope[1] != amzDate[..8])
                return $"credential date {scope[1]} does not match x-amz-date {amzDate}";

            var signed = signedList.Split(';');
            foreach (var required in new[] { "host", "x-amz-date", "x-amz-content-sha256" })
                if (!signed.Contains(required))
                    return $"SignedHeaders '{signedList}' lacks {required}";
            if (!signed.SequenceEqual(signed.Order(StringComparer.Ordinal)))
                return $"SignedHeaders '{signedList}' is not sorted";

            var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
            if (!headers.TryGetValue("x-amz-content-sha256", out var declaredHash) || declaredHash != bodyHash)
                return "x-amz-content-sha256 does not match the body received";

            if (secret.Token is { } expectedToken)
            {
                if (!headers.TryGetValue("x-amz-security-token", out var token) || token != expectedToken)
                    return "The security token included in the request is invalid";
                if (!signed.Contains("x-amz-security-token"))
                    return "x-amz-security-token is sent but not signed";
            }

            var canonicalHeaders = new StringBuilder();
            foreach (var name in signed)
            {
                if (!headers.TryGetValue(name, out var value))
                    return $"signed header {name} was not sent";
                canonicalHeaders.Append(name).Append(':').Append(value.Trim()).Append('\n');
            }

            // Non-S3 services sign the path with every segment percent-encoded once more than it travelled.
            var canonicalPath = string.Join('/', rawPath.Split('/').Select(EncodeAgain));
            var canonicalRequest = $"{method}\n{canonicalPath}\n\n{canonicalHeaders}\n{signedList}\n{bodyHash}";
            var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope[1]}/{scope[2]}/{scope[3]}/aws4_request\n" +
                               Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

            var key = Encoding.UTF8.GetBytes("AWS4" + secret.Secret);
            foreach (var part in new[] { scope[1], scope[2], scope[3], "aws4_request" })
                key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

            return expected == signature
                ? null
                : "The request signature we calculated does not match the signature you provided. " +
                  $"The Canonical String for this request should have been\n'{canonicalRequest}'";
        }

        static string EncodeAgain(string segment)
        {
            var builder = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(segment))
            {
                var c = (char)b;
                if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
                    builder.Append(c);
                else
                    builder.Append('%').Append(((int)b).ToString("X2", CultureInfo.InvariantCulture));
            }
            return builder.ToString();
        }
    }
}
