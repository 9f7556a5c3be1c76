using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;

namespace Gateway.Api.Providers.Ollama;

/// <summary>
/// Ollama's native API (<c>ollama_chat/</c>): requests translated to /api/chat or /api/embed under the server root (<c>api_base</c>, default http://localhost:11434), answers and NDJSON streams
/// translated back to OpenAI's format (<see cref="OllamaReply"/>). An <c>api_key</c> (Ollama behind a proxy, or its
/// hosted service) is sent as a bearer token.
/// </summary>
public sealed class OllamaProvider(UpstreamClients clients, long maxResponseBytes) : Provider
{
    static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>
    /// 1. Translate the request (a refusal here is a 400 before any upstream call). 2. POST it under the deadline.
    /// 3. Map an error status. 4. Translate the whole answer, or each NDJSON line of a stream, to OpenAI's format.
    /// </summary>
    public override async ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        var deployment = call.Deployment;
        var request = call.Request;
        if (deployment.ApiBase is null)
            return new UpstreamFailure(ApiError.UpstreamUnreachable(deployment.ProviderName,
                $"deployment {deployment.Id} has no api_base; set litellm_params.api_base (e.g. http://localhost:11434)."));

        var embeddings = request.Endpoint == OpenAIEndpoint.Embeddings;
        ApiError? refusal;
        byte[] body;
        try
        {
            body = embeddings ? OllamaEmbeddings.Write(request, deployment, out refusal)
                : OllamaChatRequest.Write(request, deployment, out refusal);
        }
        catch (JsonException ex)
        {
            refusal = ApiError.MalformedJson(ex.Message);
            body = [];
        }
        if (refusal is not null)
            return new UpstreamFailure(refusal);

        var stream = request.Stream && !embeddings;
        var path = embeddings ? "api/embed" : "api/chat";
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(ServerRoot(deployment.ApiBase) + path))
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ByteArrayContent(body),
        };
        message.Content.Headers.ContentType = Json;
        message.Headers.Accept.ParseAdd(stream ? "application/x-ndjson" : "application/json");
        if (!string.IsNullOrEmpty(deployment.ApiKey))
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", deployment.ApiKey);

        var (exchange, failure) = await UpstreamExchange.SendAsync(clients, message, deployment, stream, ct);
        if (exchange is null)
            return new UpstreamFailure(failure!);

        try
        {
            if (exchange.Status >= 400)
            {
                var error = await exchange.ReadErrorAsync(UpstreamErrors.FromResponse);
                await exchange.DisposeAsync();
                return new UpstreamFailure(error);
            }

            if (stream)
            {
                var lines = await exchange.Response.Content.ReadAsStreamAsync(exchange.Token);
                return new UpstreamStream(Chunks(lines, call, exchange.Token), exchange);
            }

            var json = await exchange.ReadBodyAsync(maxResponseBytes);
            await exchange.DisposeAsync();
            if (json is null)
                return new UpstreamFailure(ApiError.UpstreamResponseTooLarge(deployment.ProviderName, maxResponseBytes));
            return Translate(json, call);
        }
        catch (Exception ex) when (UpstreamExchange.IsTransferFailure(ex))
        {
            await exchange.DisposeAsync();
            if (ct.IsCancellationRequested)
                throw;
            return new UpstreamFailure(exchange.Failure(ex));
        }
    }

    static UpstreamReply Translate(byte[] json, UpstreamCall call)
    {
        var provider = call.Deployment.ProviderName;
        try
        {
            if (call.Request.Endpoint == OpenAIEndpoint.Embeddings)
                return OllamaEmbeddings.Read(json, call.Request, call.Deployment) is { } list
                    ? new UpstreamBody(list)
                    : new UpstreamFailure(ApiError.UpstreamInvalidResponse(provider, "the /api/embed answer has no embeddings."));

            using var output = new OllamaOutput();
            output.Read(json);
            if (output.Error is not null)
                return new UpstreamFailure(UpstreamErrors.FromResponse(provider, 500, json));
            return new UpstreamBody(new OllamaReply(call).Completion(output));
        }
        catch (JsonException ex)
        {
            return new UpstreamFailure(ApiError.UpstreamInvalidResponse(provider, $"the answer is not JSON: {ex.Message}"));
        }
    }

    static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(Stream body, UpstreamCall call, [EnumeratorCancellation] CancellationToken ct)
    {
        var provider = call.Deployment.ProviderName;
        var reply = new OllamaReply(call);
        using var output = new OllamaOutput();
        var lines = NdjsonLines.ReadAsync(body, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await lines.MoveNextAsync();
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
                {
                    throw new UpstreamStreamException(ApiError.UpstreamUnreachable(provider, $"the stream broke: {ex.Message}"));
                }
                if (!more)
                    break;

                var line = lines.Current;
                try
                {
                    output.Read(line.Span);
                }
                catch (JsonException ex)
                {
                    throw new UpstreamStreamException(ApiError.UpstreamInvalidResponse(provider, $"a stream line is not JSON: {ex.Message}"));
                }
                if (output.Error is not null)
                    throw new UpstreamStreamException(UpstreamErrors.FromResponse(provider, 500, line.Span));

                var count = reply.Translate(output);
                for (var i = 0; i < count; i++)
                    yield return reply.Chunk(i);
                if (output.Done)
                    yield break;
            }
        }
        finally
        {
            await lines.DisposeAsync();
        }

        if (!reply.SawDone)
            throw new UpstreamStreamException(ApiError.UpstreamUnreachable(provider, "the stream ended before Ollama said done."));
    }

    /// <summary>
    /// The server root the /api/ paths hang off. LiteLLM users write it bare (<c>http://host:11434</c>), sometimes with
    /// the endpoint already on it (<c>…/api/chat</c>) or Ollama's OpenAI path (<c>…/v1</c>); all mean the same server.
    /// </summary>
    static string ServerRoot(Uri apiBase)
    {
        var text = apiBase.GetLeftPart(UriPartial.Path).TrimEnd('/');
        foreach (var suffix in (ReadOnlySpan<string>)["/api/chat", "/api/generate", "/api/embed", "/api/embeddings", "/api", "/v1"])
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[..^suffix.Length];
                break;
            }
        return text + "/";
    }
}
