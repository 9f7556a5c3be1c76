using Gateway.Api.Events;
using Gateway.Api.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Limits.Shared;

public static class SharedLimitsRegistration
{
    /// <summary>Redis when it is configured (<see cref="RedisSettings"/>); else limits stay each node's own.</summary>
    public static IServiceCollection AddSharedLimits(this IServiceCollection services, GatewaySettings settings, string connectionString)
    {
        if (RedisSettings.From(settings.Config.Router, settings.Environment, null) is not { } redis)
        {
            services.AddSingleton(SharedLimits.None);
            return services;
        }
        var database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) is var builder && builder.Database is { Length: > 0 } name
            ? name : builder.Username ?? "postgres";
        services.AddSingleton(sp => new RedisLink(redis, database, sp.GetRequiredService<GatewayNode>(), sp.GetRequiredService<ILogger<RedisLink>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RedisLink>());
        services.AddSingleton<RedisBudgets>();
        services.AddSingleton<RedisRateLimits>();
        services.AddSingleton(sp => new SharedLimits(sp.GetRequiredService<RedisBudgets>(), sp.GetRequiredService<RedisRateLimits>()));
        return services;
    }
}
