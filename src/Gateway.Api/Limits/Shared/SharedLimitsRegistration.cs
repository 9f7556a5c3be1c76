using Gateway.Api.Events;
using Gateway.Api.Hosting;
using Marten;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Limits.Shared;

public static class SharedLimitsRegistration
{
    /// <summary>
    /// Redis when it is configured (<see cref="RedisSettings"/>); else hard budgets on leases from PostgreSQL
    /// (<see cref="BudgetLeases"/>; <c>GATEWAY_BUDGET_LEASES=off</c> keeps them each node's own) and rate limits per node.
    /// The lease tables are created with the schema whatever is configured, so nodes can change their mind.
    /// </summary>
    public static IServiceCollection AddSharedLimits(this IServiceCollection services, GatewaySettings settings, string connectionString)
    {
        services.ConfigureMarten(options => options.Storage.ExtendedSchemaObjects.AddRange(BudgetLeases.Tables(options.DatabaseSchemaName)));
        if (RedisSettings.From(settings.Config.Router, settings.Environment, null) is not { } redis)
        {
            if (settings.Environment("GATEWAY_BUDGET_LEASES")?.Trim().ToLowerInvariant() is "off" or "false" or "0")
            {
                services.AddSingleton(SharedLimits.None);
                return services;
            }
            services.AddSingleton<BudgetLeases>();
            services.AddSingleton<IBatchCharges>(sp => sp.GetRequiredService<BudgetLeases>());
            services.AddHostedService(sp => sp.GetRequiredService<BudgetLeases>());
            services.AddSingleton(sp => new SharedLimits(null, null, sp.GetRequiredService<BudgetLeases>()));
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
