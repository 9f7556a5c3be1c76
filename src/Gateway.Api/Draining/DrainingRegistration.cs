using Gateway.Api.Hosting;

namespace Gateway.Api.Draining;

/// <summary>Registers the drain state, and the draining lifetime when a drain period is set (docs/multi-node.md).</summary>
public static class DrainingRegistration
{
    public static IServiceCollection AddDraining(this IServiceCollection services, GatewaySettings settings)
    {
        var drain = new NodeDrain(settings.DrainPeriod);
        services.AddSingleton(drain);
        // Registered after the host's ConsoleLifetime, so this one is the lifetime the host asks for.
        if (drain.Period > TimeSpan.Zero)
            services.AddSingleton<IHostLifetime, DrainingLifetime>();
        return services;
    }
}
