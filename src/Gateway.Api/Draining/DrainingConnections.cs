using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Draining;

/// <summary>
/// While the node drains, every HTTP/1.1 response carries <c>Connection: close</c>, so a client (or a balancer) that keeps
/// connections alive opens its next one afresh, through the balancer to a node that is not stopping. HTTP/2 has no such
/// header. Nothing is added when no drain period is set.
/// </summary>
public static class DrainingConnections
{
    public static IApplicationBuilder UseDrainingConnections(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<NodeDrain>();
        if (drain.Period <= TimeSpan.Zero)
            return app;
        return app.Use((context, next) =>
        {
            // On starting, not now: the exception handler clears the headers of a response it rewrites.
            if (drain.IsDraining && HttpProtocol.IsHttp11(context.Request.Protocol))
                context.Response.OnStarting(CloseConnection, context.Response);
            return next(context);
        });
    }

    static Task CloseConnection(object response)
    {
        ((HttpResponse)response).Headers.Connection = "close";
        return Task.CompletedTask;
    }
}
