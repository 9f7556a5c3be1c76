using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Gateway.Api.Draining;
using Npgsql;

namespace Gateway.Api.Health;

/// <summary>
/// LiteLLM's health routes: liveness needs nothing, readiness reports the database, and a node draining before it stops
/// (status "draining", 503: a balancer takes it out of rotation while it still serves). Neither needs a key.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/liveliness", () => Results.Json("I'm alive!"));
        routes.MapGet("/health/liveness", () => Results.Json("I'm alive!"));
        routes.MapGet("/health/readiness", Readiness);
        return routes;
    }

    static async Task<IResult> Readiness(HealthDatabase database, NodeDrain drain, CancellationToken ct)
    {
        var (connected, error) = await database.PingAsync(ct);
        if (drain.IsDraining)
            return Results.Json(new { status = "draining", db = connected ? "connected" : "disconnected" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        return connected
            ? Results.Json(new { status = "healthy", db = "connected" })
            : Results.Json(new { status = "unhealthy", db = "disconnected", error }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>A small, separate connection pool for the readiness probe, so a probe never waits behind the writer.</summary>
public sealed class HealthDatabase(string connectionString) : IAsyncDisposable
{
    readonly NpgsqlDataSource _source = new NpgsqlDataSourceBuilder(
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 2, Timeout = 3, CommandTimeout = 3 }.ConnectionString).Build();

    public async Task<(bool Connected, string? Error)> PingAsync(CancellationToken ct)
    {
        try
        {
            await using var command = _source.CreateCommand("select 1");
            await command.ExecuteScalarAsync(ct);
            return (true, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // The message says why (refused, timed out, auth); it never holds the password.
            return (false, ex.Message);
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
