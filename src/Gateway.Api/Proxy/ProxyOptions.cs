namespace Gateway.Api.Proxy;

/// <summary>Limits of the proxy, from <c>general_settings</c>.</summary>
public sealed record ProxyOptions(long MaxRequestBytes, long MaxResponseBytes);
