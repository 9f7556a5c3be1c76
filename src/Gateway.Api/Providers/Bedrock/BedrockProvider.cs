using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// Amazon Bedrock through the Converse API (<c>bedrock/&lt;model id&gt;</c>, <c>bedrock/converse/&lt;model id&gt;</c>):
/// <c>POST {endpoint}/model/{model id}/converse</c>, or <c>/converse-stream</c> whose body is AWS's binary event stream.
/// Requests are signed with Signature Version 4 (service <c>bedrock</c>), or carry a Bedrock API key as a bearer token.
/// </summary>
public sealed class BedrockProvider(UpstreamClients clients, long maxResponseBytes, Func<string, string?> environment) : Provider
{
    /// <summary>The preset's api_base; the provider puts the deployment's region into it.</summary>
    public const string RegionalEndpoint = BedrockTarget.RegionalEndpoint;

    const string SigningService = "bedrock";
    const string ProviderName = "bedrock";
    static readonly MediaTypeHeaderValue Json = new("application/json");

    // Resolved once per deployment; a config change builds new deployments, and their entries go with the old ones.
    readonly ConditionalWeakTable<Deployment, BedrockTarget> _targets = new();

    public override async ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        // 1. Only chat: Converse has no legacy completions, and Bedrock's embeddings are another API.
        var request = call.Request;
        var deployment = call.Deployment;
        if (request.Endpoint != OpenAIEndpoint.ChatCompletions)
            return new UpstreamFailure(new ApiError(400, "invalid_request_error",
                $"bedrock deployments serve /v1/chat/completions only, not {request.Endpoint.Describe()}.", "model", "400"));

        // 2. Where and as whom.
        var target = _targets.GetValue(deployment, d => BedrockTarget.Resolve(d, environment));
        if (target.Problem is { } problem)
            return new UpstreamFailure(problem);

        // 3. Translate the OpenAI body to Converse.
        if (ConverseRequest.Write(request.Body.Span, deployment.DropParams, out var invalid) is not { } translation)
            return new UpstreamFailure(invalid!);

        // 4. Sign and send.
        var uri = target.OperationUri(request.Stream);
        var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ByteArrayContent(translation.Body),
        };
        message.Content.Headers.ContentType = Json;
        Authorize(message, uri, translation.Body, target, DateTimeOffset.UtcNow);

        var (exchange, unreachable) = await UpstreamExchange.SendAsync(clients, message, deployment, request.Stream, ct);
        if (exchange is null)
            return new UpstreamFailure(unreachable!);

        // 5. Translate the answer back.
        try
        {
            var response = exchange.Response;
            if (exchange.Status >= 400)
            {
                var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
                var error = BedrockErrors.FromResponse(exchange.Status, errorType, await exchange.ReadBodyAsync(64 * 1024) ?? []);
                if (response.Headers.RetryAfter?.Delta is { } delta)
                    error = error with { RetryAfterSeconds = (int)Math.Ceiling(delta.TotalSeconds) };
                await exchange.DisposeAsync();
                return new UpstreamFailure(error);
            }

            var id = $"chatcmpl-{call.RequestId:N}";
            var created = call.StartedAt.ToUnixTimeSeconds();
            if (request.Stream)
            {
                var body = await response.Content.ReadAsStreamAsync(exchange.Token);
                var translator = new ConverseStreamTranslator(id, created, target.ModelId, translation.JsonMode);
                return new UpstreamStream(Chunks(body, translator, deployment, exchange.Timeout, ct, exchange.Token), exchange);
            }

            var json = await exchange.ReadBodyAsync(maxResponseBytes);
            await exchange.DisposeAsync();
            if (json is null)
                return new UpstreamFailure(ApiError.UpstreamResponseTooLarge(ProviderName, maxResponseBytes));
            return ConverseResponse.ToChatCompletion(json, id, created, target.ModelId, translation.JsonMode) is { } completion
                ? new UpstreamBody(completion)
                : new UpstreamFailure(ApiError.UpstreamInvalidResponse(ProviderName, "the body is not a Converse response (output.message.content)"));
        }
        catch (Exception ex) when (UpstreamExchange.IsTransferFailure(ex))
        {
            await exchange.DisposeAsync();
            if (ct.IsCancellationRequested)
                throw;
            return new UpstreamFailure(exchange.Failure(ex));
        }
    }

    /// <summary>
    /// A Bedrock API key goes as a bearer token; access keys sign <c>host;x-amz-content-sha256;x-amz-date</c>
    /// (and <c>x-amz-security-token</c> for temporary credentials) over the exact path and body sent.
    /// </summary>
    static void Authorize(HttpRequestMessage message, Uri uri, byte[] body, BedrockTarget target, DateTimeOffset now)
    {
        if (target.BearerToken is { } token)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return;
        }

        var credentials = target.Credentials!;
        var host = uri.Authority; // what HttpClient sends as Host: the port only when it is not the scheme's default
        var payloadHash = SigV4.PayloadHash(body);
        var amzDate = SigV4.AmzDate(now);
        var headers = new List<KeyValuePair<string, string>>(4)
        {
            new("host", host),
            new("x-amz-content-sha256", payloadHash),
            new("x-amz-date", amzDate),
        };
        if (credentials.SessionToken is { } sessionToken)
            headers.Add(new("x-amz-security-token", sessionToken));

        var signature = SigV4.Sign("POST", uri.AbsolutePath, uri.Query.TrimStart('?'), headers, payloadHash,
            credentials, target.Region, SigningService, now);

        message.Headers.Host = host;
        foreach (var (name, value) in headers.Skip(1))
            message.Headers.TryAddWithoutValidation(name, value);
        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
    }

    static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(
        Stream body, ConverseStreamTranslator translator, Deployment deployment, TimeSpan timeout,
        CancellationToken callerToken, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new EventStreamReader(body);
        using var _ = translator;
        while (true)
        {
            bool produced;
            try
            {
                if (await reader.ReadAsync(ct) is not { } message)
                {
                    // A clean end between messages is still cut short until messageStop said the message was whole.
                    if (translator.Stopped)
                        yield break;
                    throw new UpstreamStreamException(ApiError.UpstreamUnreachable(ProviderName, "the stream ended before messageStop"));
                }
                if (!message.IsEvent)
                    throw new UpstreamStreamException(BedrockErrors.FromStreamMessage(message));
                produced = translator.Translate(message.EventType, message.Payload);
            }
            catch (InvalidDataException ex)
            {
                throw new UpstreamStreamException(ApiError.UpstreamInvalidResponse(ProviderName, $"the event stream is corrupt: {ex.Message}"));
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new UpstreamStreamException(ApiError.UpstreamInvalidResponse(ProviderName, $"an event's JSON is malformed: {ex.Message}"));
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                throw new UpstreamStreamException(ApiError.UpstreamUnreachable(ProviderName, $"the stream broke: {ex.Message}"));
            }
            catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
            {
                // The stream deadline passed, not the client's: a timeout the client hears about.
                throw new UpstreamStreamException(ApiError.UpstreamTimeout(deployment.Id, timeout.TotalSeconds));
            }

            if (produced)
                yield return translator.Chunk;
        }
    }
}
