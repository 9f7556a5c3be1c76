using System.Diagnostics;
using Gateway.Api.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Api.Tests.Reliability;

/// <summary>
/// A PostgreSQL cluster of this test class's own, which its tests stop and start again on the same port: the run's
/// shared cluster must never go down under the tests running beside these. Lives in a temporary directory, deleted
/// at the end. Started as the gateway starts its embedded cluster (<see cref="EmbeddedPostgres"/>); stopped and
/// started with pg_ctl, as the <c>postgres</c> user when the tests run as root (which pg_ctl refuses).
/// </summary>
public sealed class StoppableCluster : IAsyncLifetime
{
    readonly string _root = Path.Combine(Path.GetTempPath(), $"gateway-outage-{Guid.NewGuid():N}");
    EmbeddedPostgres? _cluster;
    PostgresBinaries? _binaries;

    /// <summary>Why this machine cannot run the outage tests (no PostgreSQL server programs), or null.</summary>
    public string? Unavailable { get; private set; }

    public int Port => _cluster!.Port;

    public async ValueTask InitializeAsync()
    {
        try
        {
            _binaries = PostgresBinaries.Find();
        }
        catch (PostgresNotFoundException missing)
        {
            Unavailable = missing.Message;
            return;
        }
        _cluster = await EmbeddedPostgres.StartAsync(_root, _binaries, NullLogger.Instance, CancellationToken.None);
    }

    /// <summary>A new, empty database on this cluster (started first if a failed test left it stopped).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        if (Unavailable is not null)
            Assert.Skip(Unavailable);
        if (!await IsRunningAsync())
            await StartAsync();
        return await _cluster!.CreateDatabaseAsync("outage_" + Guid.NewGuid().ToString("N")[..16]);
    }

    /// <summary><c>pg_ctl stop -m fast</c> (sessions ended, clean shutdown) or <c>-m immediate</c> (no shutdown: crash recovery on start).</summary>
    public Task StopAsync(string mode) => PgCtlAsync(["-D", _cluster!.DataDirectory, "stop", "-m", mode, "-w", "-t", "60"]);

    /// <summary>Starts the stopped cluster again on the port the gateway knows.</summary>
    public Task StartAsync() => PgCtlAsync(["-D", _cluster!.DataDirectory, "-l", Path.Combine(_root, "postgres", "server.log"),
        "-w", "-t", "60", "-o", $"-p {_cluster.Port} -c listen_addresses=127.0.0.1 -k ''", "start"]);

    async Task<bool> IsRunningAsync() =>
        await RunAsync(_binaries!.PgCtl, ["-D", _cluster!.DataDirectory, "status"]) is (0, _);

    async Task PgCtlAsync(IReadOnlyList<string> arguments)
    {
        var (exit, output) = await RunAsync(_binaries!.PgCtl, arguments);
        Assert.True(exit == 0, $"pg_ctl {string.Join(' ', arguments)} failed ({exit}): {output}");
    }

    /// <summary>Runs a server program, through runuser when the tests run as root.</summary>
    async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var asPostgres = Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows();
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(_root, "postgres"),
        };
        if (asPostgres)
            foreach (var argument in new[] { "-u", "postgres", "--", program })
                start.ArgumentList.Add(argument);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, (await output + await error).Trim());
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            // A test that failed mid-outage may leave it stopped, or started by pg_ctl behind EmbeddedPostgres's back.
            if (await IsRunningAsync())
                await RunAsync(_binaries!.PgCtl, ["-D", _cluster.DataDirectory, "stop", "-m", "immediate", "-w"]);
            await _cluster.DisposeAsync();
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
