using System.Collections.Concurrent;
using System.Net;

namespace Gateway.Api.Providers;

/// <summary>
/// One reused <see cref="HttpMessageInvoker"/> per upstream origin, over a tuned <see cref="SocketsHttpHandler"/>:
/// no cookies, no redirects, no decompression (the gateway forwards bytes), pooled connections recycled every few
/// minutes so DNS changes are picked up.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    readonly ConcurrentDictionary<string, HttpMessageInvoker> _invokers = new(StringComparer.OrdinalIgnoreCase);

    public HttpMessageInvoker For(Uri uri) =>
        _invokers.GetOrAdd(uri.GetLeftPart(UriPartial.Authority), static _ => new HttpMessageInvoker(CreateHandler(), disposeHandler: true));

    static SocketsHttpHandler CreateHandler() => new()
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = true,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        MaxConnectionsPerServer = int.MaxValue,
        EnableMultipleHttp2Connections = true,
    };

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
            invoker.Dispose();
        _invokers.Clear();
    }
}
