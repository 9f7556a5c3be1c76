using Gateway.Api.Cli;
using Gateway.Api.Hosting;
using Gateway.Api.Tests.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Tests.Audit;

/// <summary>
/// Without DATABASE_URL a verb reads what the server wrote: the private cluster under GATEWAY_HOME. One already
/// running (a gateway is up) is used and left running; one stopped is started for the verb and stopped after it.
/// </summary>
public sealed class CliDatabaseTests
{
    static Dictionary<string, string?> Home(string root) => new()
    {
        ["DATABASE_URL"] = null,
        ["GATEWAY_HOME"] = root,
        ["GATEWAY_CONFIG"] = null,
        ["GATEWAY_PRICE_SHEET"] = null,
    };

    static bool Running(string root) => File.Exists(Path.Combine(root, "postgres", "data", "postmaster.pid"));

    [Fact]
    public async Task a_verb_uses_a_running_private_cluster_and_starts_and_stops_a_stopped_one()
    {
        using var root = new TempDirectory();

        var cold = await CliRunner.Run(Home(root.Path), "prices", "history");
        Assert.True(cold.ExitCode == ExitCodes.Ok, cold.ToString());
        Assert.Contains("started its private PostgreSQL", cold.Error, StringComparison.Ordinal);
        Assert.False(Running(root.Path), "the cluster the verb started is stopped again");

        // As a running gateway would have it.
        await using var gateway = await EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, TestContext.Current.CancellationToken);
        var warm = await CliRunner.Run(Home(root.Path), "prices", "history");
        Assert.True(warm.ExitCode == ExitCodes.Ok, warm.ToString());
        Assert.DoesNotContain("started its private PostgreSQL", warm.Error, StringComparison.Ordinal);
        Assert.True(Running(root.Path), "the gateway's cluster is left running");
        Assert.Equal(gateway.Port, (await EmbeddedPostgres.StartAsync(root.Path, NullLogger.Instance, TestContext.Current.CancellationToken)).Port);
    }

    [Fact]
    public async Task an_unreachable_database_exits_with_the_database_code()
    {
        var result = await CliRunner.Run(new Dictionary<string, string?> { ["DATABASE_URL"] = "postgresql://nobody:secret@127.0.0.1:9/none" },
            "prices", "history");

        Assert.Equal(ExitCodes.Database, result.ExitCode);
        Assert.Contains("cannot connect to the database", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.Error, StringComparison.Ordinal);
    }
}
