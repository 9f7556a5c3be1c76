using System.Buffers;
using System.Text.Json;
using Gateway.Api.Errors;
using Gateway.Api.Providers;
using Gateway.Api.Providers.Anthropic;
using Gateway.Api.Proxy;
using Gateway.Domain.Pricing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Messages;

/// <summary>
/// One <c>/v1/messages</c> call through the proxy pipeline. The Anthropic body is translated to OpenAI's for routing,
/// limits and charging. An Anthropic deployment then gets the original body (cache_control, thinking and betas intact)
/// and its reply and events go back as they came, usage read in Anthropic's terms for the charge; any other provider
/// gets the OpenAI request and its reply and chunks are translated back to Anthropic's format.
/// </summary>
public sealed class MessagesDialect(AnthropicClientHeaders headers) : ClientDialect
{
    RequestBody? _original;
    MessagesRequest? _request;
    bool _native;
    AnthropicUsage _nativeUsage;
    string _provider = "the provider";
    MessagesStream? _stream;

    public override RequestBody? ToOpenAI(RequestBody body, out ApiError? error)
    {
        _original = body;
        _request = MessagesRequest.Translate(body.Memory, countingTokens: false, out error);
        return _request is null ? null : RequestBody.From(_request.OpenAIBody);
    }

    public override ValueTask<UpstreamReply> SendAsync(UpstreamCall call, CancellationToken ct)
    {
        var deployment = call.Deployment;
        _provider = deployment.ProviderName;
        if (deployment.Provider is AnthropicProvider anthropic)
        {
            _native = true;
            return anthropic.SendNativeAsync(call, _original!.Memory, headers, ct);
        }
        if (_request!.AnthropicOnly.Count > 0)
        {
            return ValueTask.FromResult<UpstreamReply>(new UpstreamFailure(new ApiError(400, "invalid_request_error",
                $"{string.Join("; ", _request.AnthropicOnly)}: only an Anthropic deployment can take this, and model " +
                $"{deployment.ModelGroup} is served by {deployment.QualifiedModel}.", null, "400")));
        }
        return deployment.Provider.SendAsync(call, ct);
    }

    public override bool TryReadUsage(ReadOnlySpan<byte> json, out TokenUsage usage, out bool usageOnly)
    {
        if (!_native)
            return base.TryReadUsage(json, out usage, out usageOnly);
        usageOnly = false;
        var found = ReadNativeUsage(json);
        usage = _nativeUsage.ToTokenUsage();
        return found;
    }

    public override bool TryToClientBody(ReadOnlyMemory<byte> reply, out ReadOnlyMemory<byte> body, out ApiError? error)
    {
        error = null;
        if (_native)
        {
            body = reply;
            return true;
        }
        var message = MessagesResponse.FromOpenAI(reply.Span);
        body = message;
        if (message is not null)
            return true;
        error = ApiError.UpstreamInvalidResponse(_provider, "its chat completion could not be read to answer in Anthropic's format");
        return false;
    }

    public override async ValueTask WriteChunkAsync(HttpResponse response, ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        var output = response.BodyWriter;
        if (_native)
        {
            // Anthropic's events as they came, each under its event name (the type inside its data).
            output.Write("event: "u8);
            output.Write(EventType(chunk.Span));
            output.Write("\ndata: "u8);
            output.Write(chunk.Span);
            output.Write("\n\n"u8);
        }
        else
        {
            (_stream ??= new MessagesStream()).Write(chunk, output);
        }
        await output.FlushAsync(ct);
    }

    public override async ValueTask WriteEndAsync(HttpResponse response, CancellationToken ct)
    {
        if (!_native)
            (_stream ??= new MessagesStream()).End(response.BodyWriter);
        await response.BodyWriter.FlushAsync(ct);
    }

    public override async ValueTask WriteStreamErrorAsync(HttpResponse response, ApiError error, CancellationToken ct)
    {
        (_stream ??= new MessagesStream()).Error(error, response.BodyWriter);
        await response.BodyWriter.FlushAsync(ct);
    }

    public override Task WriteErrorAsync(HttpContext context, ApiError error) => MessagesErrors.WriteAsync(context, error);

    /// <summary>
    /// A native message's <c>usage</c>, or a stream event's: <c>message_start</c> gives the input counts,
    /// <c>message_delta</c> running totals of whatever it repeats. True when this item carried usage.
    /// </summary>
    bool ReadNativeUsage(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            var found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    _nativeUsage = AnthropicUsage.Read(ref reader, _nativeUsage);
                    found = true;
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    found |= ReadMessageUsage(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return found;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    bool ReadMessageUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("usage"u8);
            reader.Read();
            if (isUsage)
            {
                _nativeUsage = AnthropicUsage.Read(ref reader, _nativeUsage);
                found = true;
            }
            else
            {
                reader.Skip();
            }
        }
        return found;
    }

    /// <summary>The <c>type</c> of a stream event's data, which Anthropic also sends as its event name.</summary>
    static ReadOnlySpan<byte> EventType(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("type"u8);
                    reader.Read();
                    if (isType && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                        return json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
        }
        return "message"u8;
    }
}
