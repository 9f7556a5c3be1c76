using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Nodes;

/// <summary>
/// A private redis-server (Debian's) on 127.0.0.1 and a free port, in a temporary directory, persisting nothing.
/// Stopped by its process id, never by name; <see cref="DisposeAsync"/> stops it whatever the test did.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    const string Binary = "/usr/bin/redis-server";

    readonly string _directory;
    Process? _process;

    RedisServer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string Host => "127.0.0.1";

    /// <summary>The gateway settings that point a node at this server.</summary>
    public Dictionary<string, string?> Settings => new() { ["REDIS_HOST"] = Host, ["REDIS_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static async Task<RedisServer> StartAsync()
    {
        Assert.SkipUnless(File.Exists(Binary), $"{Binary} is not installed (apt-get install redis-server)");
        var directory = Directory.CreateTempSubdirectory("gateway-redis-").FullName;
        var server = new RedisServer(LocalPorts.Free(), directory);
        await server.RunAsync();
        return server;
    }

    /// <summary>Starts the server again on the same port (after <see cref="Kill"/>), empty, as a Redis restart without persistence.</summary>
    public Task RestartAsync() => RunAsync();

    async Task RunAsync()
    {
        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory, "--protected-mode", "yes" })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await AnswersAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"redis-server on port {Port} did not answer within 20 s (exited: {_process.HasExited})");
            await Task.Delay(50);
        }
    }

    async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Kills the server at once (as a crash would), by its process id.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
