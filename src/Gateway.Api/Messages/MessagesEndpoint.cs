using Gateway.Api.Errors;
using Gateway.Api.Providers;
using Gateway.Api.Providers.Anthropic;
using Gateway.Api.Proxy;
using Gateway.Api.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Messages;

/// <summary>
/// Anthropic's Messages API in front of every provider: <c>POST /v1/messages</c> through the proxy pipeline (so keys,
/// limits, budgets, routing and spend apply as on /v1/chat/completions), and <c>POST /v1/messages/count_tokens</c>,
/// which is free: Anthropic counts for Anthropic deployments, the gateway estimates for the others. Anthropic's SDKs
/// send the key as <c>x-api-key</c>, which the authenticator accepts; errors come back in Anthropic's shape.
/// </summary>
public static class MessagesEndpoint
{
    public static void MapMessages(this WebApplication app, string prefix, ProxyHandler proxy)
    {
        app.MapPost($"{prefix}/messages", context =>
            proxy.HandleAsync(context, OpenAIEndpoint.ChatCompletions, new MessagesDialect(ClientHeaders(context.Request))));
        app.MapPost($"{prefix}/messages/count_tokens", CountTokensAsync);
    }

    static async Task CountTokensAsync(HttpContext context, Authenticator authenticator, DeploymentCatalog deployments, ProxyOptions options)
    {
        var ct = context.RequestAborted;
        var (caller, authError) = await authenticator.AuthenticateAsync(context.Request, ct);
        if (caller is null)
        {
            await MessagesErrors.WriteAsync(context, authError!);
            return;
        }

        using var body = await RequestBody.ReadAsync(context.Request, options.MaxRequestBytes, ct);
        if (body is null)
        {
            await MessagesErrors.WriteAsync(context, ApiError.BodyTooLarge(options.MaxRequestBytes));
            return;
        }
        var request = MessagesRequest.Translate(body.Memory, countingTokens: true, out var error, options.MaxJsonDepth);
        if (request is null)
        {
            await MessagesErrors.WriteAsync(context, error!);
            return;
        }

        var group = deployments.Current.Find(request.Model);
        if (group is null)
        {
            await MessagesErrors.WriteAsync(context, ApiError.UnknownModel(request.Model));
            return;
        }
        if (!caller.MayUse(group.Name))
        {
            await MessagesErrors.WriteAsync(context, ApiError.KeyModelAccessDenied(request.Model, caller.Key!.Models));
            return;
        }

        var deployment = group.Pick();
        if (deployment.Provider is AnthropicProvider anthropic)
        {
            await using var reply = await anthropic.CountTokensAsync(deployment, body.Memory, ClientHeaders(context.Request), ct);
            switch (reply)
            {
                case UpstreamBody counted:
                    context.Response.ContentType = "application/json";
                    await context.Response.Body.WriteAsync(counted.Json, ct);
                    return;
                case UpstreamFailure failure:
                    await MessagesErrors.WriteAsync(context, failure.Error.WithoutSecretsOf(deployment));
                    return;
            }
        }

        // Other providers' models are counted with OpenAI's tokenizers over the translated request, as the proxy counts prompts.
        var tokens = Providers.Tokens.TokenCounter.Shared.CountPrompt(OpenAIEndpoint.ChatCompletions, request.OpenAIBody, deployment.UpstreamModel);
        await context.Response.WriteAsJsonAsync(new { input_tokens = Math.Max(1, tokens) }, ct);
    }

    static AnthropicClientHeaders ClientHeaders(HttpRequest request) =>
        new(NullIfEmpty(request.Headers["anthropic-version"].ToString()), NullIfEmpty(request.Headers["anthropic-beta"].ToString()));

    static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
