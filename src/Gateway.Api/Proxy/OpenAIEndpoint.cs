using Gateway.Domain.Spend;

namespace Gateway.Api.Proxy;

/// <summary>The OpenAI endpoints the proxy serves; each knows its call type and the field that carries the input.</summary>
public enum OpenAIEndpoint
{
    ChatCompletions,
    Completions,
    Embeddings,
}

public static class EndpointNames
{
    public static string CallType(this OpenAIEndpoint endpoint) => endpoint switch
    {
        OpenAIEndpoint.ChatCompletions => CallTypes.ChatCompletion,
        OpenAIEndpoint.Completions => CallTypes.TextCompletion,
        _ => CallTypes.Embedding,
    };

    /// <summary>The path under an OpenAI-compatible base URL (which ends in /v1 or similar).</summary>
    public static string UpstreamPath(this OpenAIEndpoint endpoint) => endpoint switch
    {
        OpenAIEndpoint.ChatCompletions => "chat/completions",
        OpenAIEndpoint.Completions => "completions",
        _ => "embeddings",
    };

    public static string Describe(this OpenAIEndpoint endpoint) => endpoint switch
    {
        OpenAIEndpoint.ChatCompletions => "chat completions",
        OpenAIEndpoint.Completions => "text completions",
        _ => "embeddings",
    };
}
