namespace Gateway.Api.Proxy;

/// <summary>Limits of the proxy, from <c>general_settings</c>: body sizes, and how deeply a request body may nest.</summary>
public sealed record ProxyOptions(long MaxRequestBytes, long MaxResponseBytes, int MaxJsonDepth = RequestJson.MaxDepth);
