using System.Net;
using System.Net.Sockets;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>Ports for the servers tests start (gateways, redis-server, haproxy): on 127.0.0.1, free when asked.</summary>
public static class LocalPorts
{
    /// <summary>A port free now; another process may take it before the server binds it, so starters retry on "in use".</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
